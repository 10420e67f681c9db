using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// The next run's process, spawned while the current one runs and held at the exec gate inside a cgroup of its own. Entering a
/// cgroup waits for an RCU grace period (about 10 ms, measured in docs/benchmarks.md), which a crash restart would otherwise pay
/// between its spawn and the gateway's first instruction: a restart that finds a spare of the same launch records it and lets it
/// exec. Kept only where it saves that wait: a cgroup run whose environment has nothing of its own run (Notify readiness), under a
/// restart policy that restarts. With a spool, the spare writes to staged files renamed into place when it runs. A spare costs one
/// idle <c>/bin/sh</c> and its cgroup.
/// </summary>
internal sealed class SpareSpawn(GatewayProcessStartInfo startInfo, IGatewayProcess process)
{
    // A discarded spare exits as soon as it reads end of file at its gate; this only bounds a wait for a stuck kernel.
    private static readonly TimeSpan DiscardBound = TimeSpan.FromSeconds(2);

    public IGatewayProcess Process => process;

    /// <summary>Whether a spare is worth keeping next to <paramref name="current"/>, spawned from <paramref name="info"/>.</summary>
    public static bool IsWorthwhile(GatewayOptions options, GatewayProcessStartInfo info, IGatewayProcess current) =>
        options.RestartPolicy != GatewayRestartPolicy.Never
        && current.Containment == GatewayContainmentMode.Cgroup
        && options.Readiness.Mode != GatewayReadinessMode.Notify;

    /// <summary>Whether this spare is still held and would run exactly <paramref name="wanted"/>.</summary>
    public bool Fits(GatewayProcessStartInfo wanted) =>
        !process.Exited.IsCompleted
        && startInfo.MaxLineLength == wanted.MaxLineLength
        && string.Equals(startInfo.OutputSpool, wanted.OutputSpool, StringComparison.Ordinal)
        && startInfo.IsSameLaunchAs(wanted);

    /// <summary>Closes its gate, so it exits without running anything, and waits until it has been reaped and its cgroup removed.</summary>
    public async Task DiscardAsync()
    {
        process.Dispose();
        try
        {
            await process.Exited.WaitAsync(DiscardBound).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Reaped by its exit thread whenever it goes; nothing else waits for it.
        }
    }
}
