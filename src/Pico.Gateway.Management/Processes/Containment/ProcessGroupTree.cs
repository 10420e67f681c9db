namespace Pico.Gateway.Management.Processes.Containment;

/// <summary>The fallback: the gateway's process group, which a descendant leaves with <c>setsid()</c> or <c>setpgid()</c>.</summary>
internal sealed class ProcessGroupTree : ProcessTree
{
    public override GatewayContainmentMode Mode => GatewayContainmentMode.ProcessGroup;

    public override void Signal(int signal) => _ = LibC.kill(-Leader, signal);

    public override void KillAll(TimeSpan bound)
    {
        if (!OperatingSystem.IsLinux())
        {
            _ = LibC.kill(-Leader, LibC.SIGKILL);
            return;
        }

        // The group's members must be gone, not just signalled, before the gateway's exit is published. The leader's children
        // were re-parented when it exited, so only a scan finds them.
        KillMembers(bound, IsMember);
    }

    public override bool Contains(int pid)
    {
        if (pid == Leader)
        {
            return true;
        }

        if (OperatingSystem.IsLinux())
        {
            return InGroupOrDescends(pid);
        }

        return LibC.getpgid(pid) == Leader;
    }

    private bool IsMember(int pid) => pid != Leader && ProcStat.TryRead(pid, out var stat) && stat.IsAlive && stat.GroupId == Leader;
}
