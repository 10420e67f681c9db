using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pico.Gateway.Management.Diagnostics;
using Pico.Gateway.Management.Logs;
using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// The process-backed <see cref="IGatewayManager"/>: the commands, the operation gate and disposal. What happens is decided by
/// <see cref="GatewayTransitions"/> under the one lock of <see cref="GatewayState"/>; the effects live at the edges: the process
/// run (<see cref="ProcessRun"/>), spawning and exits (<see cref="GatewayRunTracker"/>), probing
/// (<see cref="GatewayHealthMonitor"/>), crash restarts (<see cref="CrashRestartScheduler"/>), start conditions
/// (<see cref="StartConditionEvaluator"/>), whether a start spawns (<see cref="StartDecision"/>), ownership and external gateways
/// (<see cref="OwnershipFollowUp"/>), output (<see cref="GatewayOutputDispatcher"/>) and the pid file (<see cref="GatewayReattachment"/>). Resolving it does no work: supervision begins in <see cref="StartSupervisionAsync"/>.
/// </summary>
internal sealed class GatewayManager : IGatewayManager
{
    private readonly string _name;
    private readonly IOptionsMonitor<GatewayOptions> _options;
    private readonly GatewayState _state;
    private readonly OperationGate _operations = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly StartConditionEvaluator _conditions;
    private readonly GatewayHealthMonitor _health;
    private readonly CrashRestartScheduler _crashRestarts;
    private readonly GatewayRunTracker _runs;
    private readonly GatewayReattachment _reattachment;
    private readonly GatewayTelemetry _telemetry;
    private readonly ILogger _logger;
    private readonly Lazy<Task> _supervision;
    private Task _monitor = Task.CompletedTask;
    private readonly HostOwnership _ownership;
    private readonly CrashRestartRunner _restartRunner;
    private readonly ExternalAttachment _external;
    private readonly StartDecision _starts;
    private readonly OwnershipFollowUp _followUp;
    private int _disposed;

    public GatewayManager(
        string name,
        IOptionsMonitor<GatewayOptions> options,
        GatewayLogBuffer logs,
        IEnumerable<ILogSink> sinks,
        IHealthProbe probe,
        IEnumerable<IGatewayStartCondition> conditions,
        IGatewayConfigurationFingerprint fingerprint,
        IGatewayProcessLauncher launcher,
        TimeProvider time,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null,
        IGatewayLocator? locator = null)
    {
        _name = name;
        _options = options;
        var initial = options.Get(name);
        Logs = logs;
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Pico.Gateway.Management.GatewayManager");
        _logger = name == Options.DefaultName ? logger : new NamedGatewayLogger(logger, name);
        _state = new GatewayState(time, _logger);
        _telemetry = new GatewayTelemetry(meterFactory, name == Options.DefaultName ? null : name, () => Current);
        _conditions = new StartConditionEvaluator([.. conditions], fingerprint, _state, _logger);
        _health = new GatewayHealthMonitor(_state, probe, time, _telemetry, _logger);
        // The runner needs the run tracker, which needs the scheduler: it is created below, before anything can be scheduled.
        _crashRestarts = new CrashRestartScheduler(initial, time, pending => _restartRunner!.RunAsync(pending));
        _reattachment = new GatewayReattachment(initial.PidFilePath is { } path ? new GatewayPidFile(path) : null, _logger);
        _runs = new GatewayRunTracker(
            name, options, _state, launcher, new GatewayOutputDispatcher(logs, sinks, time, _telemetry, _logger),
            _reattachment, _health, _crashRestarts, time, _telemetry, _logger);
        _ownership = new HostOwnership(_reattachment, _state, _runs, _logger);
        _external = new ExternalAttachment(locator, name, options, _state, _crashRestarts, _runs, _logger);
        _starts = new StartDecision(_ownership, _external, _conditions, _state, _crashRestarts, _runs, _logger);
        _followUp = new OwnershipFollowUp(
            name, options, _operations, () => Volatile.Read(ref _disposed) != 0, _ownership, _external, _starts, _state, _logger, _lifetime.Token);
        _runs.ExternalGone = () => _ = _followUp.StartAfterExternalGoneAsync();
        _restartRunner = new CrashRestartRunner(
            _operations, () => Volatile.Read(ref _disposed) != 0, _state, _crashRestarts, _conditions, _runs, _telemetry, _logger, _lifetime.Token);
        _supervision = new Lazy<Task>(BeginSupervision);
    }

    public GatewayEvent Current => _state.Current;

    public IObservable<GatewayEvent> Events => _state.Events;

    public IGatewayLogs Logs { get; }

    internal int SubscriberCount => _state.SubscriberCount;

    /// <summary>Releases the ownership lock as the kernel does when a host dies, leaving its gateway running (tests stand in a crashed host so).</summary>
    internal void ReleaseOwnershipAsIfCrashed() => _reattachment.Dispose();

    /// <summary>Gets the one lock, for tests that check a rule holds under it.</summary>
    internal Lock StateGate => _state.Gate;

    public Task StartSupervisionAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _supervision.Value;
    }

    public async Task<GatewayStartResult> StartAsync(CancellationToken cancellationToken = default)
    {
        using var activity = GatewayTelemetry.ActivitySource.StartActivity("gateway.start");
        var result = await StartCoreAsync(cancellationToken).ConfigureAwait(false);
        GatewayTelemetry.Trace(activity, result);
        return result;
    }

    public async Task<GatewayStopResult> StopAsync(CancellationToken cancellationToken = default)
    {
        using var activity = GatewayTelemetry.ActivitySource.StartActivity("gateway.stop");
        GatewayStopResult result;
        using (await EnterAsync(cancellationToken).ConfigureAwait(false))
        {
            result = (_ownership.Refusal ?? _external.Refusal()) is { } refusal
                ? GatewayStopResult.Refused(refusal)
                : await BeginStopAsync(hostExit: false).ConfigureAwait(false);
        }

        activity?.SetTag("gateway.stop.outcome", result.Outcome == GatewayStopOutcome.Stopping ? "stopping" : "not_running");
        activity?.SetTag("process.pid", result.ProcessId);
        return result;
    }

    public async Task<GatewayStartResult> RestartAsync(CancellationToken cancellationToken = default)
    {
        using var activity = GatewayTelemetry.ActivitySource.StartActivity("gateway.restart");
        var result = await RestartCoreAsync(cancellationToken).ConfigureAwait(false);
        GatewayTelemetry.Trace(activity, result);
        return result;
    }

    /// <summary>Gets the spare kept for the next spawn as it is being made, or null (tests look at it).</summary>
    internal Task<SpareSpawn?>? Spare => _runs.Spare;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            using (await _operations.EnterAsync(CancellationToken.None).ConfigureAwait(false))
            {
                await (await BeginStopAsync(hostExit: true).ConfigureAwait(false)).Exited.ConfigureAwait(false);
            }

            // A crash restart that was due when the host stopped leaves its spare behind: nothing spawned outlives disposal.
            await _runs.DiscardSpareAsync().ConfigureAwait(false);
            await _lifetime.CancelAsync().ConfigureAwait(false);
            await _monitor.ConfigureAwait(false);
        }
        finally
        {
            // Whatever failed above, the thread kept for startup probes and the pid file's lock are not left behind.
            _health.Dispose();
            _reattachment.Dispose();
            _state.Complete();
            _telemetry.Dispose();
        }
    }

    /// <summary>
    /// The host is stopping: stops the gateway this host owns, never an external one (whatever <see cref="ExternalGatewayOptions.AllowControl"/>
    /// says) nor one another host owns.
    /// </summary>
    internal async Task<GatewayStopResult> StopForHostExitAsync()
    {
        using (await EnterAsync(CancellationToken.None).ConfigureAwait(false))
        {
            return _ownership.Refusal is { } refusal ? GatewayStopResult.Refused(refusal) : await BeginStopAsync(hostExit: true).ConfigureAwait(false);
        }
    }

    public async Task RefreshConditionsAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _conditions.EvaluateAsync(cancellationToken).ConfigureAwait(false);
        _runs.EvaluateOptions();
    }

    /// <summary>One tick: who owns the gateway (<see cref="OwnershipFollowUp"/>), the start conditions, the fingerprint and the options, and a probe of a live gateway.</summary>
    internal async Task TickAsync(CancellationToken cancellationToken)
    {
        await _followUp.TickAsync(cancellationToken).ConfigureAwait(false);
        await _conditions.EvaluateAsync(cancellationToken).ConfigureAwait(false);
        _runs.EvaluateOptions();
        await _health.ProbeSteadyAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes ownership and re-attaches to our own recorded gateway; failing that, asks the locator, so a gateway started elsewhere is
    /// tracked before anyone can ask for a start (which would spawn a second one). Then the ticks begin.
    /// </summary>
    private async Task BeginSupervision()
    {
        await _followUp.BeginAsync().ConfigureAwait(false);
        _monitor = Task.Run(() => _health.RunTicksAsync(TickAsync, () => _options.Get(_name).HealthCheckInterval, _lifetime.Token), CancellationToken.None);
    }

    private async Task<GatewayStartResult> StartCoreAsync(CancellationToken cancellationToken)
    {
        // A live process (starting, running, or still stopping) answers at once: a start never waits for a stop to finish.
        if (_external.Refusal() is null && _state.LiveProcessId() is { } pid)
        {
            return GatewayStartResult.AlreadyRunning(pid);
        }

        using (await EnterAsync(cancellationToken).ConfigureAwait(false))
        {
            return await _starts.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<GatewayStartResult> RestartCoreAsync(CancellationToken cancellationToken)
    {
        using (await EnterAsync(cancellationToken).ConfigureAwait(false))
        {
            if ((_ownership.Refusal ?? _external.Refusal()) is { } refusal)
            {
                return GatewayStartResult.Refused(refusal);
            }

            var (verdict, fingerprint) = await _conditions.EvaluateAsync(cancellationToken).ConfigureAwait(false);
            if (!verdict.IsReady)
            {
                Log.GatewayStartRefused(_logger, verdict.Reason!);
                return GatewayStartResult.PreconditionFailed(verdict.Reason!);
            }

            _telemetry.Restarted("requested");
            ProcessRun? old;
            lock (_state.Gate)
            {
                _crashRestarts.CancelAndForget_NeedsLock();
                old = _state.Live_NeedsLock;
                if (old is not null)
                {
                    old.StopCause = GatewayExitCause.Restart;
                }

                _state.Commit_NeedsLock(GatewayTransitions.RestartBegun(_state.Current).Next);
            }

            if (old is not null && !await old.TerminateAsync().ConfigureAwait(false))
            {
                lock (_state.Gate)
                {
                    if (ReferenceEquals(_state.Run, old) && !old.HasExited)
                    {
                        old.StopCause = GatewayExitCause.None;
                        _state.Commit_NeedsLock(GatewayTransitions.RestartKeptOld(_state.Current, old.Id).Next);
                    }
                }

                Log.RestartKeptOldProcess(_logger, old.Id);
                return GatewayStartResult.Failed($"the gateway (pid {old.Id}) did not exit after SIGTERM and SIGKILL; it is still running", old.Id);
            }

            // Past this point the old gateway is gone: the caller's token no longer applies, or nothing would be left running.
            return await _runs.SpawnAsync(GatewayStatus.Restarting, fingerprint, restartAttempt: 0, "restart").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Decides a stop (the caller holds the gate) and begins the termination, which runs on without the gate. On the host's exit an
    /// external gateway is left running: it was never this host's to take down.
    /// </summary>
    private async Task<GatewayStopResult> BeginStopAsync(bool hostExit)
    {
        if (_state.LiveProcessId() is null)
        {
            // Nothing runs (a crash restart may be due): a spare kept for that restart goes before a stop is reported. A live run's
            // spare goes with its exit (GatewayRunTracker), and the gate held here keeps a restart from making a new one meanwhile.
            await _runs.DiscardSpareAsync().ConfigureAwait(false);
        }

        ProcessRun? run;
        lock (_state.Gate)
        {
            var hadPendingRestart = _crashRestarts.CancelAndForget_NeedsLock();
            run = _state.Live_NeedsLock is { } live && !(hostExit && live.External) ? live : null;
            if (run is not null)
            {
                run.StopCause = GatewayExitCause.Stop;
                _state.Commit_NeedsLock(GatewayTransitions.StopRequested(_state.Current).Next);
            }
            else if (hadPendingRestart)
            {
                // Nothing runs, but a crash restart was due: a stop means the user wants it to stay down.
                _state.Commit_NeedsLock(GatewayTransitions.PendingRestartCancelled(_state.Current).Next);
            }
        }

        if (run is null)
        {
            return GatewayStopResult.NotRunning();
        }

        run.EndStartup();
        return GatewayStopResult.Stopping(run.Id, FinishStopAsync(run));
    }

    private async Task FinishStopAsync(ProcessRun run)
    {
        if (await run.TerminateAsync().ConfigureAwait(false))
        {
            return;
        }

        lock (_state.Gate)
        {
            if (ReferenceEquals(_state.Run, run) && !run.HasExited)
            {
                _state.Commit_NeedsLock(GatewayTransitions.StopFailed(_state.Current, run.Id).Next);
            }
        }
    }

    /// <summary>Enters the operation gate; a manager disposed meanwhile refuses, or a gateway started now would be left running.</summary>
    private async Task<OperationGate.Lease> EnterAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await StartSupervisionAsync(cancellationToken).ConfigureAwait(false);
        var lease = await _operations.EnterAsync(cancellationToken).ConfigureAwait(false);
        if (Volatile.Read(ref _disposed) != 0)
        {
            lease.Dispose();
            throw new ObjectDisposedException(GetType().FullName);
        }

        return lease;
    }
}
