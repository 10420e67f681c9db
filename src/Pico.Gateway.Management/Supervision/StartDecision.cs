using Microsoft.Extensions.Logging;
using Pico.Gateway.Management.Diagnostics;

namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// Whether a start spawns, the same for a user's start and for one the host makes on its own behalf: refused when another host
/// owns the gateway or it is external, answered with the pid when one lives (ours, or an external one found just now), refused
/// when a start condition fails; otherwise any pending crash restart is forgotten and the gateway spawned. Callers hold the
/// operation gate.
/// </summary>
internal sealed class StartDecision(
    HostOwnership ownership,
    ExternalAttachment external,
    StartConditionEvaluator conditions,
    GatewayState state,
    CrashRestartScheduler crashRestarts,
    GatewayRunTracker runs,
    ILogger logger)
{
    public async Task<GatewayStartResult> StartAsync(CancellationToken cancellationToken)
    {
        if ((ownership.Refusal ?? external.Refusal()) is { } refusal)
        {
            return GatewayStartResult.Refused(refusal);
        }

        if (state.LiveProcessId() is { } live)
        {
            return GatewayStartResult.AlreadyRunning(live);
        }

        // A gateway started elsewhere since the last tick is found now, rather than a second one spawned beside it.
        if (await external.TryAttachAsync(cancellationToken).ConfigureAwait(false))
        {
            return external.Refusal() is { } refusedExternal ? GatewayStartResult.Refused(refusedExternal) : GatewayStartResult.AlreadyRunning(state.LiveProcessId() ?? 0);
        }

        var (verdict, fingerprint) = await conditions.EvaluateAsync(cancellationToken).ConfigureAwait(false);
        if (!verdict.IsReady)
        {
            Log.GatewayStartRefused(logger, verdict.Reason!);
            return GatewayStartResult.PreconditionFailed(verdict.Reason!);
        }

        lock (state.Gate)
        {
            crashRestarts.CancelAndForget_NeedsLock();
        }

        return await runs.SpawnAsync(GatewayStatus.Starting, fingerprint, restartAttempt: 0, "start").ConfigureAwait(false);
    }
}
