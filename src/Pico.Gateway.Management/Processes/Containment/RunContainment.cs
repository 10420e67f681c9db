namespace Pico.Gateway.Management.Processes.Containment;

/// <summary>
/// How one run is contained, as the pid file records it so that a host that re-attaches contains the run the same way: the mode, the
/// run's cgroup directory (cgroup mode) and its environment cookie (cgroup and tracked modes: a cgroup run carries one too).
/// </summary>
internal sealed record RunContainment(GatewayContainmentMode Mode, string? CgroupDirectory = null, string? Cookie = null)
{
    public static readonly RunContainment ProcessGroup = new(GatewayContainmentMode.ProcessGroup);
}
