using Microsoft.Extensions.Logging;
using Pico.Gateway.Management.Diagnostics;

namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// A Notify gateway's watchdog, as systemd's <c>WatchdogSec</c>: armed when the gateway is ready (a gateway still starting is
/// bounded by its startup deadline instead), pushed back by each <c>WATCHDOG=1</c>, and when it expires the hung gateway is
/// reported and killed.
/// </summary>
internal sealed class GatewayWatchdog(GatewayState state, TimeProvider time, ILogger logger)
{
    /// <summary>Arms the run's watchdog once, if its readiness options ask for one.</summary>
    public void Arm(ProcessRun run)
    {
        if (run.Options.Readiness.WatchdogTimeout is not { } timeout || run.Watchdog is not null)
        {
            return;
        }

        run.Watchdog = time.CreateTimer(
            static state =>
            {
                var (watchdog, run, timeout) = ((GatewayWatchdog, ProcessRun, TimeSpan))state!;
                watchdog.OnExpired(run, timeout);
            },
            (this, run, timeout),
            timeout,
            Timeout.InfiniteTimeSpan);
    }

    /// <summary>The gateway said it is alive: the watchdog starts over.</summary>
    public static void Ping(ProcessRun run)
    {
        if (run.Options.Readiness.WatchdogTimeout is { } timeout)
        {
            run.Watchdog?.Change(timeout, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>A hung gateway is reported, then killed: its exit is one nobody asked for, which the restart policy decides about.</summary>
    private void OnExpired(ProcessRun run, TimeSpan timeout)
    {
        lock (state.Gate)
        {
            if (!ReferenceEquals(state.Unstopped_NeedsLock, run) || !GatewayTransitions.IsProbedOnTicks(state.Current))
            {
                return;
            }

            state.Commit_NeedsLock(GatewayTransitions.WatchdogExpired(state.Current, timeout).Next);
        }

        // Killed, not asked: a hung gateway may never act on SIGTERM, and (as systemd's watchdog) its end is a failure whatever code
        // it would have chosen, so OnFailure restarts it.
        Log.WatchdogExpired(logger, run.Id, timeout);
        run.Process.Kill();
    }
}
