using Microsoft.Extensions.Logging;
using Pico.Gateway.Management.Diagnostics;
using Pico.Gateway.Management.Health;

namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// Probes the gateway: often while a run starts up (until its first healthy answer or its deadline), then on the steady
/// ticks. Probes never overlap; a probe that throws or times out is unanswered, while the caller's own cancellation propagates.
/// </summary>
internal sealed class GatewayHealthMonitor(GatewayState state, IHealthProbe probe, TimeProvider time, GatewayTelemetry telemetry, ILogger logger) : IDisposable
{
    private readonly SemaphoreSlim _probeGate = new(1, 1);

    public void Dispose() => _probeGate.Dispose();

    /// <summary>Arms the startup deadline of a new (or adopted) run and probes it until it is healthy.</summary>
    public void BeginStartup(ProcessRun run)
    {
        run.StartupDeadline = time.CreateTimer(
            static state =>
            {
                var (monitor, run) = ((GatewayHealthMonitor, ProcessRun))state!;
                monitor.OnStartupDeadline(run);
            },
            (this, run),
            run.Options.StartupTimeout,
            Timeout.InfiniteTimeSpan);
        _ = ProbeUntilHealthyAsync(run);
    }

    /// <summary>Runs <paramref name="tick"/> now and then every health-check interval until <paramref name="cancellationToken"/> ends it.</summary>
    public async Task RunTicksAsync(Func<CancellationToken, Task> tick, Func<TimeSpan> interval, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await tick(cancellationToken).ConfigureAwait(false);
                await Task.Delay(interval(), time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One steady tick: probes a live, unstopped gateway that is running (or in error, to see it recover).</summary>
    public async Task ProbeSteadyAsync(CancellationToken cancellationToken)
    {
        ProcessRun? run;
        lock (state.Gate)
        {
            run = state.Unstopped_NeedsLock is { } live && GatewayTransitions.IsProbedOnTicks(state.Current) ? live : null;
        }

        if (run is null)
        {
            return;
        }

        var result = await ProbeAsync(run, cancellationToken).ConfigureAwait(false);
        if (result.Outcome == HealthProbeOutcome.Healthy)
        {
            run.NotifyHealthy();
        }

        GatewayTransition transition;
        lock (state.Gate)
        {
            if (!ReferenceEquals(state.Unstopped_NeedsLock, run) || !GatewayTransitions.IsProbedOnTicks(state.Current))
            {
                return;
            }

            run.ConsecutiveProbeFailures = result.Outcome == HealthProbeOutcome.Unreachable ? run.ConsecutiveProbeFailures + 1 : 0;
            transition = result.Outcome switch
            {
                HealthProbeOutcome.Healthy => GatewayTransitions.Healthy(state.Current, result),
                HealthProbeOutcome.Unhealthy => GatewayTransitions.UnhealthyAnswer(state.Current, result),
                _ => GatewayTransitions.Unanswered(state.Current, result, run.ConsecutiveProbeFailures, run.Options.UnhealthyThreshold),
            };
            if (result.Outcome == HealthProbeOutcome.Healthy)
            {
                run.RunningSince ??= time.GetUtcNow();
            }

            state.Commit_NeedsLock(transition.Next);
        }

        if ((transition.Effects & GatewayEffects.ReportUnhealthy) != 0)
        {
            Log.GatewayUnhealthy(logger, run.Id, transition.Next.LastError ?? result.Description ?? "unhealthy");
        }
    }

    private void OnStartupDeadline(ProcessRun run)
    {
        lock (state.Gate)
        {
            if (!IsStartingUp_NeedsLock(run))
            {
                return;
            }

            var transition = GatewayTransitions.DeadlinePassed(state.Current, run.Options.StartupTimeout);
            state.Commit_NeedsLock(transition.Next);
        }

        run.EndStartup();
        Log.StartupTimedOut(logger, run.Id, run.Options.StartupTimeout);
    }

    /// <summary>
    /// Probes a starting run until it is healthy: every <see cref="GatewayOptions.StartupProbeInterval"/> at first, then each wait
    /// doubles up to <see cref="GatewayOptions.HealthCheckInterval"/>, so a slow gateway is not asked thousands of times. Each outcome
    /// is published in words when it changes; an answer that can never become healthy ends the startup at once.
    /// </summary>
    private async Task ProbeUntilHealthyAsync(ProcessRun run)
    {
        var cancellationToken = run.Cancellation.Token;
        var delay = run.Options.StartupProbeInterval;
        try
        {
            while (true)
            {
                lock (state.Gate)
                {
                    if (!IsStartingUp_NeedsLock(run))
                    {
                        return;
                    }
                }

                var result = await ProbeAsync(run, cancellationToken).ConfigureAwait(false);
                if (result.Outcome == HealthProbeOutcome.Healthy && TryCommitFirstHealthy(run, result))
                {
                    return;
                }

                if (CommitStartupOutcome(run, result))
                {
                    return;
                }

                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                delay = NextStartupDelay(delay, run.Options);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The wait after <paramref name="delay"/>: doubled, at most the steady interval, never less than the first.</summary>
    internal static TimeSpan NextStartupDelay(TimeSpan delay, GatewayOptions options)
    {
        var doubled = delay < options.HealthCheckInterval ? delay * 2 : delay;
        return TimeSpan.FromTicks(Math.Max(options.StartupProbeInterval.Ticks, Math.Min(doubled.Ticks, options.HealthCheckInterval.Ticks)));
    }

    /// <summary>Publishes a starting run's probe outcome when it changed; true when the answer ended the startup (it can never be healthy).</summary>
    private bool CommitStartupOutcome(ProcessRun run, HealthProbeResult result)
    {
        GatewayTransition transition;
        lock (state.Gate)
        {
            if (!IsStartingUp_NeedsLock(run))
            {
                return true;
            }

            if (result.CannotBecomeHealthy)
            {
                transition = GatewayTransitions.AnswerCannotBecomeHealthy(state.Current, result);
            }
            else
            {
                var detail = ReadinessWords.Of(result);
                if (detail == state.Current.StartupDetail)
                {
                    return false;
                }

                transition = GatewayTransitions.StartupProbed(state.Current, detail);
            }

            state.Commit_NeedsLock(transition.Next);
        }

        if ((transition.Effects & GatewayEffects.EndStartup) == 0)
        {
            return false;
        }

        run.EndStartup();
        Log.GatewayUnhealthy(logger, run.Id, transition.Next.LastError ?? "unhealthy");
        return true;
    }

    private bool TryCommitFirstHealthy(ProcessRun run, HealthProbeResult result)
    {
        run.NotifyHealthy();
        lock (state.Gate)
        {
            if (!IsStartingUp_NeedsLock(run))
            {
                return true;
            }

            run.RunningSince ??= time.GetUtcNow();
            state.Commit_NeedsLock(GatewayTransitions.Healthy(state.Current, result).Next);
        }

        run.EndStartup();
        return true;
    }

    private bool IsStartingUp_NeedsLock(ProcessRun run) =>
        ReferenceEquals(state.Unstopped_NeedsLock, run) && GatewayTransitions.IsStartingUp(state.Current);

    private async ValueTask<HealthProbeResult> ProbeAsync(ProcessRun run, CancellationToken cancellationToken)
    {
        await _probeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var timeoutAfter = run.Options.HealthCheckTimeout;
            using var timeout = new CancellationTokenSource(timeoutAfter, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            var context = new HealthProbeContext(run.HealthUrl, run.Id, state.Current.Status) { Strict = run.Options.StrictHealthCheck };
            var started = time.GetTimestamp();
            try
            {
                var result = await probe.ProbeAsync(context, linked.Token).ConfigureAwait(false);
                telemetry.ProbeCompleted(time.GetElapsedTime(started), result.Outcome);
                return result;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                telemetry.ProbeCompleted(time.GetElapsedTime(started), HealthProbeOutcome.Unreachable);
                return HealthProbeResult.Unreachable($"health check timed out after {Durations.Format(timeoutAfter)}");
            }
#pragma warning disable CA1031 // A probe is user code; the contract is that one that throws counts as unreachable.
            catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
            {
                telemetry.ProbeCompleted(time.GetElapsedTime(started), HealthProbeOutcome.Unreachable);
                Log.HealthProbeFailed(logger, ex);
                return HealthProbeResult.Unreachable(ex.Message);
            }
        }
        finally
        {
            _probeGate.Release();
        }
    }
}
