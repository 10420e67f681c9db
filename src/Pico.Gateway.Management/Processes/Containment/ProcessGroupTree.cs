namespace Pico.Gateway.Management.Processes.Containment;

/// <summary>The fallback: the gateway's process group, which a descendant leaves with <c>setsid()</c> or <c>setpgid()</c>.</summary>
internal sealed class ProcessGroupTree : ProcessTree
{
    public override GatewayContainmentMode Mode => GatewayContainmentMode.ProcessGroup;

    public override void Signal(int signal) => _ = LibC.kill(-Leader, signal);

    public override void KillAll(TimeSpan bound) => _ = LibC.kill(-Leader, LibC.SIGKILL);

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
}
