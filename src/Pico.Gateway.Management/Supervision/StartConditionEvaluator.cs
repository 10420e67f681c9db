using Microsoft.Extensions.Logging;
using Pico.Gateway.Management.Diagnostics;

namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// Checks the start conditions and the configuration fingerprint, and commits the verdict to the snapshot. Conditions and
/// fingerprints are user code: one that throws is "not ready" with its message (or an unknown fingerprint), never a crash.
/// </summary>
internal sealed class StartConditionEvaluator(
    IGatewayStartCondition[] conditions, IGatewayConfigurationFingerprint fingerprint, GatewayState state, ILogger logger)
{
    private long _started;
    private long _applied;

    /// <summary>Evaluates every condition afresh; the caller's cancellation propagates.</summary>
    public async Task<(StartConditionResult Verdict, string? Fingerprint)> EvaluateAsync(CancellationToken cancellationToken)
    {
        var evaluation = Interlocked.Increment(ref _started);
        var verdict = await CheckConditionsAsync(cancellationToken).ConfigureAwait(false);
        var current = await GetFingerprintAsync(cancellationToken).ConfigureAwait(false);
        lock (state.Gate)
        {
            // Evaluations can overlap (a start and a tick); an older one must not overwrite a newer answer.
            if (evaluation > _applied)
            {
                _applied = evaluation;
                state.Commit_NeedsLock(GatewayTransitions.ConditionsEvaluated(state.Current, verdict, current).Next);
            }
        }

        return (verdict, current);
    }

    private async Task<StartConditionResult> CheckConditionsAsync(CancellationToken cancellationToken)
    {
        foreach (var condition in conditions)
        {
            StartConditionResult answer;
            try
            {
                answer = await condition.CheckAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // A condition is user code; the contract is that one that throws is not ready, with its message.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                if (logger.IsEnabled(LogLevel.Warning))
                {
                    Log.StartConditionFailed(logger, condition.GetType().Name, ex);
                }

                answer = StartConditionResult.NotReady(ex.Message);
            }

            if (!answer.IsReady)
            {
                return StartConditionResult.NotReady(string.IsNullOrEmpty(answer.Reason) ? $"{condition.GetType().Name} is not ready" : answer.Reason);
            }
        }

        return StartConditionResult.Ready;
    }

    private async Task<string?> GetFingerprintAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await fingerprint.GetFingerprintAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A fingerprint provider is user code; an unknown fingerprint only means no restart is flagged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.FingerprintFailed(logger, ex);
            return null;
        }
    }
}
