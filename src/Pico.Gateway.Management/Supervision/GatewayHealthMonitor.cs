using Microsoft.Extensions.Logging;
using Pico.Gateway.Management.Diagnostics;
using Pico.Gateway.Management.Health;
using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// Follows the gateway's health: while a run starts up, either it probes (HTTP or TCP, backing off, until the first healthy
/// answer or the deadline) or it listens to what the gateway pushes (a notify socket, a ready line); then it probes on the steady
/// ticks with the liveness source and arms a Notify gateway's watchdog (<see cref="GatewayWatchdog"/>). Probes never overlap; a probe that throws or times out
/// is unanswered, while the caller's own cancellation propagates.
/// </summary>
internal sealed class GatewayHealthMonitor(
    GatewayState state, IHealthProbe probe, TimeProvider time, GatewayTelemetry telemetry, ILogger logger, IPortListeners? listeners = null)
    : IDisposable, IReadinessListener
{
    private readonly SemaphoreSlim _probeGate = new(1, 1);
    private readonly IPortListeners _listeners = listeners ?? ProcPortListeners.Instance;
    private readonly GatewayWatchdog _watchdog = new(state, time, logger);
    private readonly ProbeLoops _loops = new(time);

    // How long the last spawned run took to its first healthy answer (ticks; 0 before any): the next one likely takes as long.
    private long _lastStartupTicks;

    /// <summary>Ends the thread kept for startup probes. The probe gate is left to the collector: a startup probe may still be
    /// leaving it, and a <see cref="SemaphoreSlim"/> whose wait handle was never asked for holds nothing else.</summary>
    public void Dispose() => _loops.Dispose();

    /// <summary>The pushed readiness source a run of <paramref name="options"/> needs, created before its spawn; null when it is polled.</summary>
    public static IReadinessSource? CreateSignals(GatewayOptions options, ILogger logger) => options.Readiness.Mode switch
    {
        GatewayReadinessMode.Notify when OperatingSystem.IsLinux() => new NotifyReadiness(options.Readiness, logger),
        GatewayReadinessMode.Notify => throw new GatewaySpawnException("Readiness:Mode Notify needs Linux"),
        GatewayReadinessMode.OutputLine => new OutputLineReadiness(options.Readiness),
        _ => null,
    };

    /// <summary>
    /// Arms the startup deadline of a new (or adopted) run, then listens for its readiness when it pushes it, or else probes it
    /// until it is healthy (an adopted run, whose socket and output are gone, is probed with its liveness source).
    /// </summary>
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
        if (run.Signals is { } signals)
        {
            signals.Attach(run, this);
            return;
        }

        ProbeUntilHealthy(run);
    }

    public void Ready(ProcessRun run)
    {
        if (TryCommitFirstHealthy(run, HealthProbeResult.Healthy()))
        {
            _watchdog.Arm(run);
        }
    }

    public void Status(ProcessRun run, string text)
    {
        lock (state.Gate)
        {
            if (!ReferenceEquals(state.Live_NeedsLock, run) || state.Current.StatusText == text)
            {
                return;
            }

            state.Commit_NeedsLock(GatewayTransitions.StatusNotified(state.Current, text).Next);
        }

        Log.GatewayStatusNotified(logger, run.Id, text);
    }

    public void WatchdogPing(ProcessRun run) => GatewayWatchdog.Ping(run);

    public void ExtendStartup(ProcessRun run, TimeSpan extension)
    {
        lock (state.Gate)
        {
            if (IsStartingUp_NeedsLock(run))
            {
                run.StartupDeadline?.Change(extension, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="tick"/> now and then every health-check interval until <paramref name="cancellationToken"/> ends it
    /// (on the system clock a thread of their own, <see cref="ProbeLoops"/>: an idle supervisor then wakes one thread per tick,
    /// not the timer thread and the thread pool's workers).
    /// </summary>
    public Task RunTicksAsync(Func<CancellationToken, Task> tick, Func<TimeSpan> interval, CancellationToken cancellationToken)
    {
        Func<CancellationToken, Task<bool>> step = async token =>
        {
            await tick(token).ConfigureAwait(false);
            return true;
        };
        return _loops.RunSteady(step, interval, cancellationToken);
    }

    /// <summary>One steady tick: probes a live, unstopped gateway that is running (or in error, to see it recover).</summary>
    public async Task ProbeSteadyAsync(CancellationToken cancellationToken)
    {
        ProcessRun? run;
        lock (state.Gate)
        {
            run = state.Unstopped_NeedsLock is { } live && GatewayTransitions.IsProbedOnTicks(state.Current) ? live : null;
        }

        if (run is null || run.Options.Readiness.Liveness == GatewayLivenessMode.None)
        {
            return;
        }

        var tcp = run.Options.Readiness.Liveness == GatewayLivenessMode.Tcp;
        var result = await ProbeAsync(run, tcp, cancellationToken).ConfigureAwait(false);

        // A healthy answer is checked only where it would make the gateway running again (error → running): while it stays running
        // the socket checked at its first answer still listens, since another process can take the port only once the gateway's
        // listener is closed, and a probe in that gap finds no answer, which shows as the error this check then runs on.
        if (result.Outcome == HealthProbeOutcome.Healthy && state.Current.Status != GatewayStatus.Running)
        {
            result = CheckListener(run, tcp, result);
        }

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
    /// Probes a starting run until it is healthy: every <see cref="GatewayOptions.StartupProbeInterval"/> at first, then an eighth of
    /// the time spent starting so far, up to <see cref="GatewayOptions.HealthCheckInterval"/>; around the moment the previous spawned
    /// run first answered, densely (<see cref="StartupProbeSchedule.NextDelay"/>). A fast gateway is seen at once (the wait adds at most an eighth to
    /// its startup, and a 32nd of the last start's time, at least a millisecond, when it starts about as fast as last time), and a slow one is not asked thousands of times
    /// (about 80 probes in 15 s). Each outcome is published in words when it changes; an answer that can never become healthy ends the
    /// startup at once. On the system clock the probes run off the caller's path, on a thread kept for them (<see cref="ProbeLoops"/>)
    /// whose waits are as short as the schedule says, where the runtime's timers would stretch a millisecond to a jiffy.
    /// </summary>
    private void ProbeUntilHealthy(ProcessRun run)
    {
        var started = time.GetTimestamp();
        var lastStartup = Interlocked.Read(ref _lastStartupTicks);
        TimeSpan? expected = lastStartup > 0 ? TimeSpan.FromTicks(lastStartup) : null;
        Func<CancellationToken, Task<bool>> step = cancellationToken => ProbeStartupOnceAsync(run, started, cancellationToken);
        Func<TimeSpan> interval = () => StartupProbeSchedule.NextDelay(time.GetElapsedTime(started), run.Options, expected);
        _ = _loops.RunStartup(step, interval, run.Cancellation.Token);
    }

    /// <summary>One startup probe of <paramref name="run"/>, spawned at <paramref name="started"/>; false once its startup is over.</summary>
    private async Task<bool> ProbeStartupOnceAsync(ProcessRun run, long started, CancellationToken cancellationToken)
    {
        lock (state.Gate)
        {
            if (!IsStartingUp_NeedsLock(run))
            {
                return false;
            }
        }

        var sent = time.GetElapsedTime(started);
        var result = await ProbeStartupAsync(run, cancellationToken).ConfigureAwait(false);
        if (result.Outcome == HealthProbeOutcome.Healthy && StartupProbeIsTcp(run.Options.Readiness) is { } tcp)
        {
            // The starting → running edge: a stranger's answer keeps the gateway starting, saying whose it was.
            result = CheckListener(run, tcp, result);
        }

        if (result.Outcome == HealthProbeOutcome.Healthy)
        {
            if (!run.Adopted)
            {
                // When the answering probe was sent: the gateway was ready by then, and not at the probe before.
                Interlocked.Exchange(ref _lastStartupTicks, Math.Max(sent.Ticks, 1));
            }

            TryCommitFirstHealthy(run, result);
            return false;
        }

        return !CommitStartupOutcome(run, result);
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

    /// <summary>The startup probe: the readiness mode's, or for an adopted run of a pushing mode, its liveness source's.</summary>
    private ValueTask<HealthProbeResult> ProbeStartupAsync(ProcessRun run, CancellationToken cancellationToken) =>
        StartupProbeIsTcp(run.Options.Readiness) is { } tcp
            ? ProbeAsync(run, tcp, cancellationToken)
            : ValueTask.FromResult(HealthProbeResult.Healthy());

    /// <summary>Whether a startup probe connects with TCP (true) or asks over HTTP (false); null when nothing is probed (no liveness source).</summary>
    private static bool? StartupProbeIsTcp(GatewayReadinessOptions readiness) => readiness.Mode switch
    {
        GatewayReadinessMode.Http => false,
        GatewayReadinessMode.Tcp => true,
        _ when readiness.Liveness == GatewayLivenessMode.None => null,
        _ => readiness.Liveness == GatewayLivenessMode.Tcp,
    };

    /// <summary>
    /// A healthy answer as it stands if the socket that listens where the probe connected is the gateway tree's (or cannot be seen);
    /// otherwise an unhealthy one that names the process serving the port. Only the built-in probes' endpoints are known (the TCP
    /// probe's, and the address the HTTP probe says it asked, even when another probe wraps it): a custom <see cref="IHealthProbe"/>
    /// may ask anything anywhere, so its answers are taken as they are.
    /// </summary>
    private HealthProbeResult CheckListener(ProcessRun run, bool tcp, HealthProbeResult healthy)
    {
        var (host, port) = tcp ? TcpConnectProbe.EndpointOf(run.Options, run.HealthUrl) : (healthy.AnsweredUrl?.Host, healthy.AnsweredUrl?.Port ?? 0);
        if (!run.Options.VerifyPortOwner || host is null)
        {
            return healthy;
        }

        var verdict = run.Listener.Judge(run.Process, new UriBuilder(Uri.UriSchemeHttp, host.Trim('[', ']'), port).Uri, _listeners);
        if (verdict.Counts)
        {
            return healthy;
        }

        var description = $"port {port} is served by another process ({verdict.Stranger}), not the gateway";
        if (run.TryReportStranger(verdict))
        {
            Log.PortServedByStranger(logger, run.Id, description);
        }

        return new HealthProbeResult { Outcome = HealthProbeOutcome.Unhealthy, StatusCode = healthy.StatusCode, Description = description };
    }

    /// <summary>Whether this call made <paramref name="run"/> running (false when it was no longer starting).</summary>
    private bool TryCommitFirstHealthy(ProcessRun run, HealthProbeResult result)
    {
        run.NotifyHealthy();
        lock (state.Gate)
        {
            if (!IsStartingUp_NeedsLock(run))
            {
                return false;
            }

            run.RunningSince ??= time.GetUtcNow();
            state.Commit_NeedsLock(GatewayTransitions.Healthy(state.Current, result).Next);
        }

        run.EndStartup();
        return true;
    }

    private bool IsStartingUp_NeedsLock(ProcessRun run) =>
        ReferenceEquals(state.Unstopped_NeedsLock, run) && GatewayTransitions.IsStartingUp(state.Current);

    private async ValueTask<HealthProbeResult> ProbeAsync(ProcessRun run, bool tcp, CancellationToken cancellationToken)
    {
        await _probeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var timeoutAfter = run.Options.HealthCheckTimeout;
            using var timeout = new CancellationTokenSource(timeoutAfter, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            var context = new HealthProbeContext(run.HealthUrl, run.Id, state.Current.Status) { Strict = run.Options.StrictHealthCheck, Ownership = run.External ? GatewayOwnership.External : GatewayOwnership.Owned };
            var started = time.GetTimestamp();
            try
            {
                var (host, port) = TcpConnectProbe.EndpointOf(run.Options, run.HealthUrl);
                var result = tcp
                    ? await TcpConnectProbe.ProbeAsync(host, port, linked.Token).ConfigureAwait(false)
                    : await probe.ProbeAsync(context, linked.Token).ConfigureAwait(false);
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
