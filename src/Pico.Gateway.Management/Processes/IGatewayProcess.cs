using Pico.Gateway.Management.Processes.Containment;

namespace Pico.Gateway.Management.Processes;

internal interface IGatewayProcess : IDisposable
{
    int Id { get; }

    /// <summary>Gets how the process's tree is contained: what <see cref="SignalTerminate"/>, <see cref="Kill"/> and an exit reach.</summary>
    GatewayContainmentMode Containment => GatewayContainmentMode.ProcessGroup;

    /// <summary>Gets what a later host needs to contain this run the same way, for the pid file.</summary>
    RunContainment RunContainment => RunContainment.ProcessGroup;

    /// <summary>Completes from the operating system's exit notification, after the rest of the process tree was killed.</summary>
    Task<GatewayProcessExit> Exited { get; }

    /// <summary>
    /// Completes when both output pipes reached end of file, or, if a process that escaped the tree still holds them, a short grace
    /// after <see cref="Exited"/>: nothing more will be read.
    /// </summary>
    Task OutputClosed { get; }

    /// <summary>Completes after <see cref="OutputClosed"/>, once every line read went to the handler.</summary>
    Task OutputCompleted { get; }

    /// <summary>
    /// Lets a process started held (<see cref="IGatewayProcessLauncher.Start"/>) exec the gateway; called once the spawn is recorded.
    /// Does nothing for a process not held, or one already let run.
    /// </summary>
    void LetRun()
    {
    }

    /// <summary>Asks the whole process tree to terminate gracefully (SIGTERM).</summary>
    void SignalTerminate();

    /// <summary>Kills the whole process tree (SIGKILL).</summary>
    void Kill();

    /// <summary>Whether <paramref name="pid"/> is a live process of this process's tree (a port's owner must be, for its answers to count).</summary>
    bool IsInTree(int pid) => pid == Id;

    /// <summary>The live processes of the tree that can be listed cheaply (a cgroup's members; the leader and its descendants): where a listener is looked for first.</summary>
    IReadOnlyList<int> ListTreeWithoutScan() => [Id];

    /// <summary>
    /// Whether <paramref name="cgroupId"/> names the run's cgroup v2 or one below it, so that a socket created there is the tree's
    /// without any descriptor being read. False where the tree is not a cgroup.
    /// </summary>
    bool OwnsCgroupId(ulong cgroupId) => false;
}
