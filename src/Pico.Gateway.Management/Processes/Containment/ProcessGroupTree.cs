namespace Pico.Gateway.Management.Processes.Containment;

/// <summary>The fallback: the gateway's process group, which a descendant leaves with <c>setsid()</c> or <c>setpgid()</c>.</summary>
internal sealed class ProcessGroupTree : ProcessTree
{
    public override GatewayContainmentMode Mode => GatewayContainmentMode.ProcessGroup;

    public override void Signal(int signal) => _ = LibC.kill(-Leader, signal);

    public override void KillAll(TimeSpan bound)
    {
        _ = LibC.kill(-Leader, LibC.SIGKILL);
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // A SIGKILL is delivered, not completed: the members die over the next milliseconds, and the gateway's exit must not be
        // published while one is still alive. The leader's children were re-parented when it exited, so only a scan finds them;
        // each is pinned with a pidfd (MemberSignals), whose readiness then says it is gone.
        var deadline = Environment.TickCount64 + (long)bound.TotalMilliseconds;
        var members = Members();
        if (members.Count == 0)
        {
            LastKill = (0, 0);
            return;
        }

        using var signals = new MemberSignals();
        var killed = 0;
        foreach (var pid in members)
        {
            killed += signals.Send(pid, LibC.SIGKILL, IsMember) ? 1 : 0;
        }

        LastKill = signals.WaitForExits(deadline) ? (killed, 0) : (killed, Members().Count);
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

    private List<int> Members() => ScanForMembers(IsMember);
}
