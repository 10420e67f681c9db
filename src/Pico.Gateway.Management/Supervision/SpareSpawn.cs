using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// The next run's process, spawned while the current one runs and held at the exec gate inside a cgroup of its own. Entering a
/// cgroup waits for an RCU grace period (about 10 ms, measured in docs/benchmarks.md), which a crash restart would otherwise pay
/// between its spawn and the gateway's first instruction: a crash restart that finds a spare of the same launch records it and
/// lets it exec. Kept only where it saves that wait: a cgroup run under a restart policy that restarts, without Notify readiness
/// (whose socket belongs to one run). With a spool, the spare writes to staged files that go into place when it runs. A spare
/// costs one idle <c>/bin/sh</c>, its cgroup, and three blocked threads and their descriptors in the host.
/// </summary>
internal sealed class SpareSpawn(GatewayProcessStartInfo startInfo, IGatewayProcess process)
{
    // A discarded spare exits as soon as it reads end of file at its gate; this only bounds a wait for a stuck kernel.
    private static readonly TimeSpan DiscardBound = TimeSpan.FromSeconds(2);

    /// <summary>Gets the held process (the trampoline, until it is let run).</summary>
    public IGatewayProcess Process => process;

    /// <summary>Gets where its spool files are staged until it runs, or null without a spool.</summary>
    public string? StagedSpool => startInfo.StagedSpool;

    /// <summary>Whether a spare is worth keeping next to <paramref name="current"/>, started with <paramref name="options"/>.</summary>
    public static bool IsWorthwhile(GatewayOptions options, IGatewayProcess current) =>
        options.RestartPolicy != GatewayRestartPolicy.Never
        && current.Containment == GatewayContainmentMode.Cgroup
        && options.Readiness.Mode != GatewayReadinessMode.Notify;

    /// <summary>Whether this spare is still held and would run exactly <paramref name="wanted"/>.</summary>
    public bool Fits(GatewayProcessStartInfo wanted) =>
        !process.Exited.IsCompleted
        && startInfo.MaxLineLength == wanted.MaxLineLength
        && string.Equals(startInfo.OutputSpool, wanted.OutputSpool, StringComparison.Ordinal)
        && startInfo.IsSameLaunchAs(wanted);

    /// <summary>
    /// Closes its gate, so it exits without running anything, and waits until it has been reaped and its cgroup removed; its staged
    /// spool files, never put in place, go too.
    /// </summary>
    public async Task DiscardAsync()
    {
        process.Dispose();
        try
        {
            await process.Exited.WaitAsync(DiscardBound).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Its gate is closed, yet it has not gone: it is ours, so it is killed, tree and all.
            process.Kill();
        }

        if (startInfo.StagedSpool is { } staged)
        {
            try
            {
                SpoolCapture.Delete(staged);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Empty files of a process that never ran: the next spawn's files do not depend on them.
            }
        }
    }
}
