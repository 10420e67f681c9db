using Microsoft.Extensions.Logging;
using Pico.Gateway.Management.Diagnostics;

namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// Carries out a crash restart when it is due: under the operation gate, only if it is still the pending one and the manager
/// is not disposed; start conditions are checked afresh, and a refusal is the <c>error</c> state with the reason.
/// </summary>
internal sealed class CrashRestartRunner(
    OperationGate operations,
    Func<bool> disposed,
    GatewayState state,
    CrashRestartScheduler scheduler,
    StartConditionEvaluator conditions,
    GatewayRunTracker runs,
    GatewayTelemetry telemetry,
    ILogger logger,
    CancellationToken lifetime)
{
    public async Task RunAsync(PendingRestart pending)
    {
        try
        {
            using (await operations.EnterAsync(lifetime).ConfigureAwait(false))
            {
                lock (state.Gate)
                {
                    if (disposed() || !scheduler.TryClaim_NeedsLock(pending))
                    {
                        return;
                    }
                }

                var (verdict, fingerprint) = await conditions.EvaluateAsync(lifetime).ConfigureAwait(false);
                if (!verdict.IsReady)
                {
                    // The gateway stays down: the spare kept for this restart goes before the state says so.
                    await runs.DiscardSpareAsync().ConfigureAwait(false);
                    lock (state.Gate)
                    {
                        state.Commit_NeedsLock(GatewayTransitions.CrashRestartRefused(state.Current, verdict.Reason!).Next);
                    }

                    Log.GatewayStartRefused(logger, verdict.Reason!);
                    return;
                }

                Log.CrashRestarting(logger, pending.Attempt);
                telemetry.Restarted("crash");
                await runs.SpawnAsync(GatewayStatus.Restarting, fingerprint, pending.Attempt, GatewayRunTracker.CrashRestartReason).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
        }
    }
}
