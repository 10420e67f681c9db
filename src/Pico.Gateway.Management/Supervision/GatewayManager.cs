using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pico.Gateway.Management.Events;
using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Diagnostics;

namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// The process-backed <see cref="IGatewayManager"/>. One lock guards the snapshot and the tracked process: transitions are decided
/// under it and published by enqueueing (subscribers run on their own queues, never under the lock). Start, stop and restart
/// are serialized by a separate operation gate, held by a stop until the process has exited.
/// </summary>
internal sealed class GatewayManager : IGatewayManager, IGatewayOutputHandler
{
    // How long an exit waits for the pipes to close before it is published; only a grandchild that escaped the process group can hold them longer.
    private static readonly TimeSpan OutputCloseTimeout = TimeSpan.FromSeconds(1);

    private readonly GatewayOptions _options;
    private readonly IGatewayProcessLauncher _launcher;
    private readonly IHealthProbe _probe;
    private readonly IGatewayStartCondition[] _conditions;
    private readonly IGatewayConfigurationFingerprint _fingerprint;
    private readonly ILogSink[] _sinks;
    private readonly bool[] _sinkFailureLogged;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Uri _healthUrl;
    private readonly GatewayProcessStartInfo _startInfo;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _operations = new(1, 1);
    private readonly SemaphoreSlim _probeGate = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly GatewayEventStream _events;
    private Task? _monitor;
    private int _supervising;
    private readonly GatewayPidFile? _pidFile;
    private readonly GatewayTelemetry _telemetry;
    private readonly CrashRestartPolicy _crashPolicy;

    private GatewayEvent _current;
    private ProcessRun? _run;
    private ProcessRun? _lastSpawned;
    private long _lineSequence;
    private long _conditionEvaluationsStarted;
    private long _conditionEvaluationApplied;
    private PendingRestart? _pendingRestart;
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
        IMeterFactory? meterFactory = null)
    {
        _options = options.Get(name);
        Logs = logs;
        _sinks = [logs, .. sinks.Where(sink => !ReferenceEquals(sink, logs))];
        _sinkFailureLogged = new bool[_sinks.Length];
        _probe = probe;
        _conditions = [.. conditions];
        _fingerprint = fingerprint;
        _launcher = launcher;
        _time = time;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Pico.Gateway.Management.GatewayManager");
        _healthUrl = new Uri(_options.HealthCheckUrl, UriKind.Absolute);
        _startInfo = new GatewayProcessStartInfo(
            _options.ExecutablePath ?? throw new InvalidOperationException("Gateway:ExecutablePath is required."),
            [.. _options.Arguments],
            _options.WorkingDirectory,
            new Dictionary<string, string>(_options.Environment, StringComparer.Ordinal),
            _options.MaxLineLength);
        _crashPolicy = new CrashRestartPolicy(_options);
        _pidFile = _options.PidFilePath is { } pidFilePath ? new GatewayPidFile(pidFilePath) : null;
        _current = new GatewayEvent { Sequence = 0, Timestamp = time.GetUtcNow(), Status = GatewayStatus.Stopped };
        _events = new GatewayEventStream(_current, _logger);
        _telemetry = new GatewayTelemetry(meterFactory, name == Microsoft.Extensions.Options.Options.DefaultName ? null : name, () => Current);
    }

    private enum StopReason
    {
        None,
        Stop,
        Restart,
    }

    public GatewayEvent Current => Volatile.Read(ref _current);

    public IObservable<GatewayEvent> Events => _events;

    public IGatewayLogs Logs { get; }

    internal int SubscriberCount => _events.SubscriberCount;

    public Task StartSupervisionAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _supervising, 1) == 0)
        {
            TryAdoptFromPidFile();
            _monitor = Task.Run(RunMonitorAsync, CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public async Task<GatewayStartResult> StartAsync(CancellationToken cancellationToken = default)
    {
        using var activity = GatewayTelemetry.ActivitySource.StartActivity("gateway.start");
        var result = await StartCoreAsync(cancellationToken).ConfigureAwait(false);
        Trace(activity, result);
        return result;
    }

    public async Task<GatewayStopResult> StopAsync(CancellationToken cancellationToken = default)
    {
        using var activity = GatewayTelemetry.ActivitySource.StartActivity("gateway.stop");
        await EnterOperationAsync(cancellationToken).ConfigureAwait(false);
        var result = BeginStop_HoldingOperation();
        activity?.SetTag("gateway.stop.outcome", result.Outcome == GatewayStopOutcome.Stopping ? "stopping" : "not_running");
        activity?.SetTag("process.pid", result.ProcessId);
        return result;
    }

    public async Task<GatewayStartResult> RestartAsync(CancellationToken cancellationToken = default)
    {
        using var activity = GatewayTelemetry.ActivitySource.StartActivity("gateway.restart");
        var result = await RestartCoreAsync(cancellationToken).ConfigureAwait(false);
        Trace(activity, result);
        return result;
    }

    private static void Trace(Activity? activity, GatewayStartResult result)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("gateway.start.outcome", result.Outcome switch
        {
            GatewayStartOutcome.Started => "started",
            GatewayStartOutcome.AlreadyRunning => "already_running",
            GatewayStartOutcome.PreconditionFailed => "precondition_failed",
            _ => "failed",
        });
        activity.SetTag("process.pid", result.ProcessId);
        if (result.Outcome is GatewayStartOutcome.Failed or GatewayStartOutcome.PreconditionFailed)
        {
            activity.SetStatus(ActivityStatusCode.Error, result.Message);
        }
    }

    private async Task<GatewayStartResult> StartCoreAsync(CancellationToken cancellationToken)
    {
        await EnterOperationAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_gate)
            {
                if (_run is { HasExited: false } live)
                {
                    return GatewayStartResult.AlreadyRunning(live.Id);
                }
            }

            var (verdict, fingerprint) = await EvaluateConditionsAsync(cancellationToken).ConfigureAwait(false);
            if (!verdict.IsReady)
            {
                Log.GatewayStartRefused(_logger, verdict.Reason!);
                return GatewayStartResult.PreconditionFailed(verdict.Reason!);
            }

            lock (_gate)
            {
                CancelPendingRestart_NeedsLock(forgetCrashes: true);
            }

            return await SpawnAsync(GatewayStatus.Starting, fingerprint, restartAttempt: 0, "start").ConfigureAwait(false);
        }
        finally
        {
            _operations.Release();
        }
    }

    private async Task<GatewayStartResult> RestartCoreAsync(CancellationToken cancellationToken)
    {
        await EnterOperationAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (verdict, fingerprint) = await EvaluateConditionsAsync(cancellationToken).ConfigureAwait(false);
            if (!verdict.IsReady)
            {
                Log.GatewayStartRefused(_logger, verdict.Reason!);
                return GatewayStartResult.PreconditionFailed(verdict.Reason!);
            }

            _telemetry.Restarted("requested");
            ProcessRun? old;
            lock (_gate)
            {
                CancelPendingRestart_NeedsLock(forgetCrashes: true);
                old = _run is { HasExited: false } live ? live : null;
                if (old is not null)
                {
                    old.StopRequested = StopReason.Restart;
                }

                Update_NeedsLock(_current with { Status = GatewayStatus.Restarting, NextRestartTime = null });
            }

            if (old is not null && !await TerminateAsync(old).ConfigureAwait(false))
            {
                lock (_gate)
                {
                    if (ReferenceEquals(_run, old) && !old.HasExited)
                    {
                        old.StopRequested = StopReason.None;
                        Update_NeedsLock(_current with
                        {
                            Status = GatewayStatus.Running,
                            LastError = $"restart failed: the gateway (pid {old.Id}) did not exit",
                        });
                    }
                }

                Log.RestartKeptOldProcess(_logger, old.Id);
                return GatewayStartResult.Failed($"the gateway (pid {old.Id}) did not exit after SIGTERM and SIGKILL; it is still running", old.Id);
            }

            // Past this point the old gateway is gone: the caller's token no longer applies, or nothing would be left running.
            return await SpawnAsync(GatewayStatus.Restarting, fingerprint, restartAttempt: 0, "restart").ConfigureAwait(false);
        }
        finally
        {
            _operations.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _operations.WaitAsync().ConfigureAwait(false);
        var stop = BeginStop_HoldingOperation();
        await stop.Exited.ConfigureAwait(false);

        await _lifetime.CancelAsync().ConfigureAwait(false);
        if (Volatile.Read(ref _monitor) is { } monitor)
        {
            await monitor.ConfigureAwait(false);
        }
        _events.Complete();
        _telemetry.Dispose();
    }

    void IGatewayOutputHandler.OnLine(GatewayLogStream stream, string text)
    {
        var line = new GatewayLogLine(Interlocked.Increment(ref _lineSequence), _time.GetUtcNow(), stream, text);
        _telemetry.LineCaptured(stream);
        for (var i = 0; i < _sinks.Length; i++)
        {
            try
            {
                _sinks[i].Write(line);
            }
#pragma warning disable CA1031 // A sink is user code: its failure must not stop capture (the pipe would fill and block the gateway).
            catch (Exception ex)
#pragma warning restore CA1031
            {
                if (!_sinkFailureLogged[i])
                {
                    _sinkFailureLogged[i] = true;
                    Log.LogSinkFailed(_logger, _sinks[i].GetType().Name, ex);
                }
            }
        }
    }

    private async Task EnterOperationAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await StartSupervisionAsync(cancellationToken).ConfigureAwait(false);
        await _operations.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (Volatile.Read(ref _disposed) != 0)
        {
            // Disposal stopped the gateway while this call waited: starting one now would leave it running.
            _operations.Release();
            throw new ObjectDisposedException(GetType().FullName);
        }
    }

    private GatewayStopResult BeginStop_HoldingOperation()
    {
        ProcessRun? run;
        lock (_gate)
        {
            run = _run is { HasExited: false } live ? live : null;
            if (run is not null)
            {
                run.StopRequested = StopReason.Stop;
                CancelPendingRestart_NeedsLock(forgetCrashes: true);
                Update_NeedsLock(_current with { Status = GatewayStatus.Stopping, NextRestartTime = null });
            }
            else if (CancelPendingRestart_NeedsLock(forgetCrashes: true))
            {
                // Nothing runs, but a crash restart was due: a stop means the user wants it to stay down.
                Update_NeedsLock(_current with { Status = GatewayStatus.Stopped, NextRestartTime = null, RestartAttempt = 0 });
            }
        }

        if (run is null)
        {
            _operations.Release();
            return GatewayStopResult.NotRunning();
        }

        return GatewayStopResult.Stopping(run.Id, FinishStopAsync(run));
    }

    private async Task FinishStopAsync(ProcessRun run)
    {
        try
        {
            if (!await TerminateAsync(run).ConfigureAwait(false))
            {
                lock (_gate)
                {
                    if (ReferenceEquals(_run, run) && !run.HasExited)
                    {
                        Update_NeedsLock(_current with
                        {
                            Status = GatewayStatus.Error,
                            LastError = $"the gateway (pid {run.Id}) did not exit after SIGTERM and SIGKILL",
                        });
                    }
                }
            }
        }
        finally
        {
            _operations.Release();
        }
    }

    /// <summary>Graceful termination, then the kill: true once the process has exited, false if it outlived both timeouts.</summary>
    private async Task<bool> TerminateAsync(ProcessRun run)
    {
        await run.Cancellation.CancelAsync().ConfigureAwait(false);
        run.Process.SignalTerminate();
        Log.GatewayStopping(_logger, run.Id);
        if (await WaitForExitAsync(run, _options.StopTimeout).ConfigureAwait(false))
        {
            return true;
        }

        run.Process.Kill();
        Log.GatewayKilled(_logger, run.Id, _options.StopTimeout);
        if (await WaitForExitAsync(run, _options.KillTimeout).ConfigureAwait(false))
        {
            return true;
        }

        Log.GatewayWouldNotExit(_logger, run.Id, _options.KillTimeout);
        return false;
    }

    private async Task<bool> WaitForExitAsync(ProcessRun run, TimeSpan timeout)
    {
        try
        {
            await run.ExitHandled.Task.WaitAsync(timeout, _time).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private async Task<GatewayStartResult> SpawnAsync(GatewayStatus initialStatus, string? fingerprint, int restartAttempt, string reason)
    {
        ProcessRun? previous;
        lock (_gate)
        {
            previous = _lastSpawned;
        }

        // The previous run's last lines belong to it: let them land before the sinks start a new run.
        if (previous is not null)
        {
            await WaitForOutputAsync(previous.Process).ConfigureAwait(false);
        }

        for (var i = 0; i < _sinks.Length; i++)
        {
            try
            {
                _sinks[i].OnProcessStarting();
            }
#pragma warning disable CA1031 // A sink is user code: its failure must not prevent the start.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.LogSinkFailed(_logger, _sinks[i].GetType().Name, ex);
            }
        }

        IGatewayProcess process;
        try
        {
            process = _launcher.Start(_startInfo, this);
        }
        catch (Exception ex) when (ex is GatewaySpawnException or DllNotFoundException or EntryPointNotFoundException)
        {
            lock (_gate)
            {
                Update_NeedsLock(_current with
                {
                    Status = GatewayStatus.Error,
                    ProcessId = null,
                    BootFingerprint = null,
                    HealthDetails = null,
                    HealthStatusCode = null,
                    LastError = ex.Message,

                    // A crash restart that was due is spent (or was cancelled by this start): nothing is pending now.
                    NextRestartTime = null,
                });
            }

            Log.GatewayStartFailed(_logger, ex.Message);
            return GatewayStartResult.Failed(ex.Message);
        }

        var run = new ProcessRun(process, adopted: false);
        lock (_gate)
        {
            _run = run;
            _lastSpawned = run;
            Update_NeedsLock(_current with
            {
                Status = initialStatus,
                ProcessId = run.Id,
                BootFingerprint = fingerprint,
                HealthDetails = null,
                HealthStatusCode = null,
                LastError = null,
                NextRestartTime = null,
                RestartAttempt = restartAttempt,
                IsAdopted = false,
            });
        }

        Log.GatewayStarted(_logger, run.Id, _startInfo.ExecutablePath);
        _telemetry.Started(reason);
        RecordInPidFile(run, fingerprint);
        BeginTracking(run);
        return GatewayStartResult.Started(run.Id);
    }

    private void BeginTracking(ProcessRun run)
    {
        run.StartupDeadline = _time.CreateTimer(
            static state =>
            {
                var (manager, run) = ((GatewayManager, ProcessRun))state!;
                manager.OnStartupDeadline(run);
            },
            (this, run),
            _options.StartupTimeout,
            Timeout.InfiniteTimeSpan);
        _ = MonitorExitAsync(run);
        _ = RunStartupProbesAsync(run);
    }

    /// <summary>
    /// Finds the gateway an earlier host recorded, before anything can spawn: a live process with the same pid AND start time is
    /// tracked as ours; anything else makes the file stale, and it is removed.
    /// </summary>
    private void TryAdoptFromPidFile()
    {
        if (_pidFile is null || OperatingSystem.IsWindows())
        {
            return;
        }

        GatewayPidRecord? record;
        try
        {
            record = _pidFile.TryRead();
            if (record is null || !ProcessIdentity.IsSameProcess(record.ProcessId, record.StartTime))
            {
                if (File.Exists(_pidFile.Path))
                {
                    _pidFile.Delete();
                    Log.StalePidFileRemoved(_logger, _pidFile.Path);
                }

                return;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.PidFileFailed(_logger, _pidFile.Path, ex);
            return;
        }

        var run = new ProcessRun(new AdoptedGatewayProcess(record.ProcessId, record.StartTime, _time), adopted: true);
        lock (_gate)
        {
            _run = run;
            Update_NeedsLock(_current with
            {
                Status = GatewayStatus.Starting,
                ProcessId = run.Id,
                BootFingerprint = record.BootFingerprint,
                IsAdopted = true,
            });
        }

        Log.GatewayAdopted(_logger, run.Id, _pidFile.Path);
        BeginTracking(run);
    }

    private void RecordInPidFile(ProcessRun run, string? fingerprint)
    {
        if (_pidFile is null || !ProcessIdentity.TryGetStartTime(run.Id, out var startTime))
        {
            return;
        }

        try
        {
            _pidFile.Write(new GatewayPidRecord(run.Id, startTime, _options.HealthCheckUrl, fingerprint));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Without the record a crashed host cannot re-attach, but the gateway itself is fine: report, do not fail the start.
            Log.PidFileFailed(_logger, _pidFile.Path, ex);
        }
    }

    private void ForgetInPidFile(ProcessRun run)
    {
        if (_pidFile is null)
        {
            return;
        }

        try
        {
            if (_pidFile.TryRead()?.ProcessId == run.Id)
            {
                _pidFile.Delete();
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.PidFileFailed(_logger, _pidFile.Path, ex);
        }
    }

    /// <summary>Drops a scheduled crash restart; true if there was one.</summary>
    private bool CancelPendingRestart_NeedsLock(bool forgetCrashes)
    {
        if (forgetCrashes)
        {
            _crashPolicy.Forget();
        }

        if (_pendingRestart is not { } pending)
        {
            return false;
        }

        _pendingRestart = null;
        pending.Timer?.Dispose();
        return true;
    }

    /// <summary>Applies the restart policy to an exit nobody asked for; returns the restart to schedule, if any.</summary>
    private PendingRestart? DecideAfterUnrequestedExit_NeedsLock(ProcessRun run, GatewayProcessExit exit, ref GatewayEvent next)
    {
        var now = _time.GetUtcNow();
        var decision = _crashPolicy.Decide(exit, run.RunningSince, now);
        switch (decision.Kind)
        {
            case CrashDecisionKind.StayDown:
                next = next with { Status = GatewayStatus.Stopped, LastError = decision.LastError };
                return null;
            case CrashDecisionKind.CrashLoop:
                next = next with { Status = GatewayStatus.Error, LastError = decision.LastError, NextRestartTime = null };
                return null;
            default:
                _pendingRestart = new PendingRestart(decision.Attempt, decision.Delay);
                next = next with
                {
                    Status = GatewayStatus.Restarting,
                    LastError = decision.LastError,
                    NextRestartTime = now + decision.Delay,
                    RestartAttempt = decision.Attempt,
                };
                return _pendingRestart;
        }
    }

    private void SchedulePendingRestart(PendingRestart pending)
    {
        pending.Timer = _time.CreateTimer(
            static state =>
            {
                var (manager, pending) = ((GatewayManager, PendingRestart))state!;
                _ = manager.RunPendingRestartAsync(pending);
            },
            (this, pending),
            pending.Delay,
            Timeout.InfiniteTimeSpan);
    }

    private async Task RunPendingRestartAsync(PendingRestart pending)
    {
        var cancellationToken = _lifetime.Token;
        try
        {
            await _operations.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            lock (_gate)
            {
                if (!ReferenceEquals(_pendingRestart, pending) || Volatile.Read(ref _disposed) != 0)
                {
                    return;
                }

                _pendingRestart = null;
            }

            pending.Timer?.Dispose();
            var (verdict, fingerprint) = await EvaluateConditionsAsync(cancellationToken).ConfigureAwait(false);
            if (!verdict.IsReady)
            {
                lock (_gate)
                {
                    Update_NeedsLock(_current with
                    {
                        Status = GatewayStatus.Error,
                        LastError = $"crash restart refused: {verdict.Reason}",
                        NextRestartTime = null,
                    });
                }

                Log.GatewayStartRefused(_logger, verdict.Reason!);
                return;
            }

            Log.CrashRestarting(_logger, pending.Attempt);
            _telemetry.Restarted("crash");
            await SpawnAsync(GatewayStatus.Restarting, fingerprint, pending.Attempt, "crash_restart").ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _operations.Release();
        }
    }

    private async Task MonitorExitAsync(ProcessRun run)
    {
        var exit = await run.Process.Exited.ConfigureAwait(false);
        await WaitForOutputAsync(run.Process).ConfigureAwait(false);

        var unexpected = false;
        var wasCurrent = false;
        PendingRestart? restart = null;
        string? crashLoop = null;
        lock (_gate)
        {
            run.HasExited = true;
            if (ReferenceEquals(_run, run))
            {
                wasCurrent = true;
                _run = null;
                var next = _current with
                {
                    ProcessId = null,
                    BootFingerprint = null,
                    HealthDetails = null,
                    HealthStatusCode = null,
                    LastExitCode = exit.ExitCode,
                    LastExitSignal = exit.Signal,
                    LastExitTime = _time.GetUtcNow(),
                };
                switch (run.StopRequested)
                {
                    case StopReason.Restart:
                        next = next with { Status = GatewayStatus.Restarting };
                        break;
                    case StopReason.Stop:
                        next = next with { Status = GatewayStatus.Stopped, LastError = null };
                        break;
                    default:
                        unexpected = true;
                        restart = DecideAfterUnrequestedExit_NeedsLock(run, exit, ref next);
                        crashLoop = next.Status == GatewayStatus.Error ? next.LastError : null;
                        break;
                }

                Update_NeedsLock(next);
            }
        }

        _telemetry.Exited(run.StopRequested != StopReason.None ? "requested" : exit.ExitCode == 0 ? "clean" : "crash");
        await run.Cancellation.CancelAsync().ConfigureAwait(false);
        run.StartupDeadline?.Dispose();
        if (wasCurrent)
        {
            ForgetInPidFile(run);
        }

        if (restart is not null)
        {
            Log.CrashRestartScheduled(_logger, restart.Attempt, restart.Delay);
            SchedulePendingRestart(restart);
        }

        if (crashLoop is not null)
        {
            Log.CrashLoop(_logger, crashLoop);
        }

        if (unexpected)
        {
            Log.GatewayExitedUnexpectedly(_logger, run.Id, exit);
        }
        else
        {
            Log.GatewayExited(_logger, run.Id, exit);
        }

        run.ExitHandled.TrySetResult();
        run.Process.Dispose();
    }

    private void OnStartupDeadline(ProcessRun run)
    {
        var timedOut = false;
        lock (_gate)
        {
            if (IsStartingUp_NeedsLock(run))
            {
                Update_NeedsLock(_current with
                {
                    Status = GatewayStatus.Error,
                    LastError = $"the gateway did not become healthy within {Durations.Format(_options.StartupTimeout)}",
                });
                timedOut = true;
            }
        }

        if (timedOut)
        {
            Log.StartupTimedOut(_logger, run.Id, _options.StartupTimeout);
        }
    }

    private async Task RunStartupProbesAsync(ProcessRun run)
    {
        var cancellationToken = run.Cancellation.Token;
        try
        {
            while (true)
            {
                lock (_gate)
                {
                    if (!IsStartingUp_NeedsLock(run))
                    {
                        return;
                    }
                }

                var result = await ProbeAsync(run, cancellationToken).ConfigureAwait(false);
                lock (_gate)
                {
                    if (!IsStartingUp_NeedsLock(run))
                    {
                        return;
                    }

                    if (result.Outcome == HealthProbeOutcome.Healthy)
                    {
                        run.RunningSince ??= _time.GetUtcNow();
                        Update_NeedsLock(_current with
                        {
                            Status = GatewayStatus.Running,
                            HealthDetails = result.Details,
                            HealthStatusCode = null,
                            LastError = null,
                        });
                        run.StartupDeadline?.Dispose();
                        return;
                    }
                }

                await Task.Delay(_options.StartupProbeInterval, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunMonitorAsync()
    {
        var cancellationToken = _lifetime.Token;
        try
        {
            while (true)
            {
                await TickAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(_options.HealthCheckInterval, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One condition/health tick: re-evaluates the start conditions and fingerprint, and probes a running (or errored but live) gateway.</summary>
    internal async Task TickAsync(CancellationToken cancellationToken)
    {
        await EvaluateConditionsAsync(cancellationToken).ConfigureAwait(false);

        ProcessRun? run;
        lock (_gate)
        {
            run = _run is { HasExited: false, StopRequested: StopReason.None } live
                && _current.Status is GatewayStatus.Running or GatewayStatus.Error
                ? live
                : null;
        }

        if (run is not null)
        {
            ApplySteadyStateProbe(run, await ProbeAsync(run, cancellationToken).ConfigureAwait(false));
        }
    }

    private void ApplySteadyStateProbe(ProcessRun run, HealthProbeResult result)
    {
        string? unhealthy = null;
        lock (_gate)
        {
            if (!ReferenceEquals(_run, run) || run.HasExited || run.StopRequested != StopReason.None
                || _current.Status is not (GatewayStatus.Running or GatewayStatus.Error))
            {
                return;
            }

            switch (result.Outcome)
            {
                case HealthProbeOutcome.Healthy:
                    run.ConsecutiveProbeFailures = 0;
                    run.RunningSince ??= _time.GetUtcNow();
                    Update_NeedsLock(_current with
                    {
                        Status = GatewayStatus.Running,
                        HealthDetails = result.Details,
                        HealthStatusCode = null,
                        LastError = _current.Status == GatewayStatus.Error ? null : _current.LastError,
                    });
                    break;
                case HealthProbeOutcome.Unhealthy:
                    run.ConsecutiveProbeFailures = 0;
                    unhealthy = result.Description;
                    Update_NeedsLock(_current with
                    {
                        Status = GatewayStatus.Error,
                        HealthDetails = null,
                        HealthStatusCode = result.StatusCode,
                        LastError = result.Description,
                    });
                    break;
                default:
                    run.ConsecutiveProbeFailures++;
                    var threshold = _options.UnhealthyThreshold;
                    if (threshold > 0 && run.ConsecutiveProbeFailures >= threshold && _current.Status == GatewayStatus.Running)
                    {
                        unhealthy = $"health check failed {run.ConsecutiveProbeFailures} times in a row: {result.Description}";
                        Update_NeedsLock(_current with { Status = GatewayStatus.Error, HealthDetails = null, LastError = unhealthy });
                    }

                    break;
            }
        }

        if (unhealthy is not null)
        {
            Log.GatewayUnhealthy(_logger, run.Id, unhealthy);
        }
    }

    private async ValueTask<HealthProbeResult> ProbeAsync(ProcessRun run, CancellationToken cancellationToken)
    {
        await _probeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var timeout = new CancellationTokenSource(_options.HealthCheckTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            var context = new HealthProbeContext(_healthUrl, run.Id, Current.Status);
            var started = _time.GetTimestamp();
            try
            {
                var result = await _probe.ProbeAsync(context, linked.Token).ConfigureAwait(false);
                _telemetry.ProbeCompleted(_time.GetElapsedTime(started), result.Outcome);
                return result;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                _telemetry.ProbeCompleted(_time.GetElapsedTime(started), HealthProbeOutcome.Unreachable);
                return HealthProbeResult.Unreachable($"health check timed out after {Durations.Format(_options.HealthCheckTimeout)}");
            }
#pragma warning disable CA1031 // A probe is user code; the contract is that one that throws counts as unreachable.
            catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
            {
                _telemetry.ProbeCompleted(_time.GetElapsedTime(started), HealthProbeOutcome.Unreachable);
                Log.HealthProbeFailed(_logger, ex);
                return HealthProbeResult.Unreachable(ex.Message);
            }
        }
        finally
        {
            _probeGate.Release();
        }
    }

    private async Task<(StartConditionResult Verdict, string? Fingerprint)> EvaluateConditionsAsync(CancellationToken cancellationToken)
    {
        var evaluation = Interlocked.Increment(ref _conditionEvaluationsStarted);
        var verdict = StartConditionResult.Ready;
        foreach (var condition in _conditions)
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
                if (_logger.IsEnabled(LogLevel.Warning))
                {
                    Log.StartConditionFailed(_logger, condition.GetType().Name, ex);
                }

                answer = StartConditionResult.NotReady(ex.Message);
            }

            if (!answer.IsReady)
            {
                verdict = StartConditionResult.NotReady(string.IsNullOrEmpty(answer.Reason) ? $"{condition.GetType().Name} is not ready" : answer.Reason);
                break;
            }
        }

        string? fingerprint;
        try
        {
            fingerprint = await _fingerprint.GetFingerprintAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A fingerprint provider is user code; an unknown fingerprint only means no restart is flagged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.FingerprintFailed(_logger, ex);
            fingerprint = null;
        }

        lock (_gate)
        {
            // Evaluations can overlap (a start and a tick); an older one must not overwrite a newer answer.
            if (evaluation > _conditionEvaluationApplied)
            {
                _conditionEvaluationApplied = evaluation;
                Update_NeedsLock(_current with
                {
                    StartAllowed = verdict.IsReady,
                    StartBlockedReason = verdict.Reason,
                    CurrentFingerprint = fingerprint,
                });
            }
        }

        return (verdict, fingerprint);
    }

    private bool IsStartingUp_NeedsLock(ProcessRun run) =>
        ReferenceEquals(_run, run)
        && !run.HasExited
        && run.StopRequested == StopReason.None
        && _current.Status is GatewayStatus.Starting or GatewayStatus.Restarting;

    /// <summary>Stores the proposed snapshot; publishes it with the next sequence number when a state field changed.</summary>
    private void Update_NeedsLock(GatewayEvent proposed)
    {
        var restartRequired = proposed.Status == GatewayStatus.Running
            && proposed.BootFingerprint is not null
            && proposed.CurrentFingerprint is not null
            && !string.Equals(proposed.BootFingerprint, proposed.CurrentFingerprint, StringComparison.Ordinal);
        if (proposed.RestartRequired != restartRequired)
        {
            proposed = proposed with { RestartRequired = restartRequired };
        }

        if (proposed.HasSameStateAs(_current))
        {
            if (!ReferenceEquals(proposed.HealthDetails, _current.HealthDetails))
            {
                Volatile.Write(ref _current, proposed);
                _events.Refresh(proposed);
            }

            return;
        }

        var next = proposed with { Sequence = _current.Sequence + 1, Timestamp = _time.GetUtcNow() };
        Volatile.Write(ref _current, next);
        _events.Publish(next);
    }

    /// <summary>
    /// Waits until the process's output is in the sinks, so an exit is published with complete logs and a new run never receives the
    /// old one's lines. Only the pipes closing is bounded: what was read is finite and sinks do not block, but a grandchild that
    /// escaped the process group could hold a pipe open forever.
    /// </summary>
    private async Task WaitForOutputAsync(IGatewayProcess process)
    {
        try
        {
            await process.OutputClosed.WaitAsync(OutputCloseTimeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return;
        }

        await process.OutputCompleted.ConfigureAwait(false);
    }

    private sealed class PendingRestart(int attempt, TimeSpan delay)
    {
        public int Attempt { get; } = attempt;

        public TimeSpan Delay { get; } = delay;

        public ITimer? Timer { get; set; }
    }

    private sealed class ProcessRun(IGatewayProcess process, bool adopted)
    {
        public IGatewayProcess Process { get; } = process;

        public bool Adopted { get; } = adopted;

        public DateTimeOffset? RunningSince { get; set; }

        public int Id => Process.Id;

        public StopReason StopRequested { get; set; }

        public bool HasExited { get; set; }

        public int ConsecutiveProbeFailures { get; set; }

        public ITimer? StartupDeadline { get; set; }

        public CancellationTokenSource Cancellation { get; } = new();

        public TaskCompletionSource ExitHandled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
