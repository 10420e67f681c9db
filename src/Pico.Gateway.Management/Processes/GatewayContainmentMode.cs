namespace Pico.Gateway.Management;

/// <summary>
/// How the gateway's process tree is held together, so that stop, a crash and host shutdown reach every process the gateway
/// started, including those that left its process group. Set through <see cref="GatewayOptions.Containment"/>; a running gateway
/// reports the mode it actually got (never <see cref="Auto"/>).
/// </summary>
public enum GatewayContainmentMode
{
    /// <summary>The strongest mode the host can use: <see cref="Cgroup"/> where a cgroup v2 can be created, otherwise <see cref="Tracked"/> on Linux, otherwise <see cref="ProcessGroup"/>.</summary>
    Auto = 0,

    /// <summary>
    /// The gateway runs in a process group of its own and signals go to that group. A descendant that calls <c>setsid()</c> or
    /// <c>setpgid()</c> escapes it.
    /// </summary>
    ProcessGroup = 1,

    /// <summary>
    /// The process group, plus every process whose environment carries the run's cookie (<c>PICO_GATEWAY_RUN</c>), found through
    /// <c>/proc</c>. A descendant that clears or replaces its environment before it execs escapes it.
    /// </summary>
    Tracked = 2,

    /// <summary>
    /// Each run in a cgroup v2 of its own, killed with <c>cgroup.kill</c> and removed after: nothing the gateway starts can leave it
    /// (moving out of a cgroup needs write access to a common ancestor).
    /// </summary>
    Cgroup = 3,
}
