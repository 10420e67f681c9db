using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pico.Gateway.Management.Diagnostics;
using Pico.Gateway.Management.Health;
using Pico.Gateway.Management.Logs;
using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Processes.Containment;

namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// Brings process runs in and follows them out: spawns a run with the options current at that moment, adopts one an earlier
/// host recorded, and commits each run's exit once its output is in the sinks. Callers hold the operation gate for a spawn.
/// </summary>
internal sealed class GatewayRunTracker(
    string name,
    IOptionsMonitor<GatewayOptions> options,
    GatewayState state,
    IGatewayProcessLauncher launcher,
    GatewayOutputDispatcher output,
    GatewayReattachment reattachment,
    GatewayHealthMonitor health,
    CrashRestartScheduler crashRestarts,
    TimeProvider time,
    GatewayTelemetry telemetry,
    ILogger logger)
{
    /// <summary>The reason a crash restart passes to <see cref="SpawnAsync"/> (also its telemetry tag).</summary>
    public const string CrashRestartReason = "crash_restart";

    private readonly SpareSlot _spares = new(launcher, output);
    private ProcessRun? _lastSpawned;

    /// <summary>Spawns a gateway into <paramref name="initialStatus"/>; a failure to spawn is the <c>error</c> state with the reason.</summary>
    public async Task<GatewayStartResult> SpawnAsync(GatewayStatus initialStatus, string? fingerprint, int restartAttempt, string reason)
    {
        // The previous run's last lines belong to it: let them land before the sinks start a new run.
        if (Volatile.Read(ref _lastSpawned) is { } previous)
        {
            await previous.WaitForOutputAsync().ConfigureAwait(false);
        }

        // Only a crash restart takes the spare: it restarts what ran, while a start or restart the user asks for may follow a change
        // on disk (a swapped release directory) that a process spawned earlier would not see. Any other spawn lets it go first, so
        // that no spare of an earlier run is still exiting beside the new gateway.
        if (reason != CrashRestartReason)
        {
            await DiscardSpareAsync().ConfigureAwait(false);
        }

        GatewayOptions current;
        GatewayProcessStartInfo startInfo;
        IGatewayProcess process;
        IReadinessSource? signals = null;
        try
        {
            current = options.Get(name);
            RefuseHeldPort(current);
            output.OnProcessStarting();
            signals = GatewayHealthMonitor.CreateSignals(current, logger);
            output.ObserveLines(signals is OutputLineReadiness lines ? lines.OnLine : null);
            startInfo = WithSignals(StartInfoOf(current), signals);

            process = (reason == CrashRestartReason ? _spares.Take(startInfo) : null) ?? launcher.Start(startInfo, output, held: true);
        }
        catch (Exception ex) when (ex is GatewaySpawnException or OptionsValidationException or DllNotFoundException or EntryPointNotFoundException or SocketException)
        {
            signals?.Dispose();
            await DiscardSpareAsync().ConfigureAwait(false);
            lock (state.Gate)
            {
                state.Commit_NeedsLock(GatewayTransitions.SpawnFailed(state.Current, ex.Message).Next);
            }

            Log.GatewayStartFailed(logger, ex.Message);
            return GatewayStartResult.Failed(ex.Message);
        }

        // Recorded before the gateway may run: a host killed at any moment leaves either a held process that exits when the kernel
        // closes the gate, or a gateway the pid file names, which the next owner adopts. Never one nobody can find.
        reattachment.Record(process.Id, current.HealthCheckUrl, fingerprint, process.RunContainment);
        process.LetRun();
        var run = new ProcessRun(process, adopted: false, current, time, logger) { Signals = signals };
        lock (state.Gate)
        {
            state.Run = run;
            _lastSpawned = run;
            state.Commit_NeedsLock(GatewayTransitions.Spawned(state.Current, run.Id, fingerprint, initialStatus, restartAttempt, process.Containment).Next);
        }

        Log.GatewayStarted(logger, run.Id, current.ExecutablePath!);
        telemetry.Started(reason);

        // The trampoline, or a launcher script, may not have exec'd the gateway yet when the spawn was recorded: the executable and
        // command line that adoption checks are recorded again once the gateway answers, when they are the gateway's own.
        run.BecameHealthy = healthy => reattachment.Record(healthy.Id, current.HealthCheckUrl, fingerprint, process.RunContainment);

        // Asked for before the run is followed, so that whatever ends the run finds the spare there to discard.
        if (SpareSpawn.IsWorthwhile(current, process))
        {
            _spares.Prepare(run, startInfo with { StagedSpool = startInfo.OutputSpool is { } spool ? SpoolCapture.Staged(spool) : null });
        }

        Follow(run);
        return GatewayStartResult.Started(run.Id);
    }

    /// <summary>Gets the spare for the next spawn as it is being made, or null (tests look at it).</summary>
    internal Task<SpareSpawn?>? Spare => _spares.Current;

    /// <summary>
    /// Closes the spare's gate, if there is one (and, given <paramref name="madeFor"/>, only if it was made next to that run), and waits
    /// until it and every spare given up before it are gone: nothing of a run outlives a stop or the manager.
    /// </summary>
    public Task DiscardSpareAsync(ProcessRun? madeFor = null) => _spares.DiscardAsync(madeFor);

    /// <summary>
    /// A gateway whose health port another process already listens on would only crash-loop (or, worse, look healthy through the
    /// stranger): it is not spawned, and the reason names the holder (Linux: from /proc/net/tcp and the owner's command line).
    /// </summary>
    private static void RefuseHeldPort(GatewayOptions options)
    {
        // Only a port the readiness or liveness source will connect to: a Notify or OutputLine gateway may have no HTTP port at all.
        var readiness = options.Readiness;
        if ((readiness.Mode == GatewayReadinessMode.Http || readiness.Liveness == GatewayLivenessMode.Http)
            && Uri.TryCreate(options.HealthCheckUrl, UriKind.Absolute, out var url))
        {
            RefuseHeldPort(url);
        }

        if ((readiness.Mode == GatewayReadinessMode.Tcp || readiness.Liveness == GatewayLivenessMode.Tcp) && readiness.TcpPort is { } port
            && Uri.TryCreate($"tcp://{readiness.TcpHost ?? "127.0.0.1"}:{port}/", UriKind.Absolute, out var endpoint))
        {
            RefuseHeldPort(endpoint);
        }
    }

    private static void RefuseHeldPort(Uri endpoint)
    {
        if (PortOwnerLookup.FindListener(endpoint) is { } listener)
        {
            throw new GatewaySpawnException($"port {endpoint.Port} is already in use by {listener.DescribeOwner()}");
        }
    }

    /// <summary>Adopts the gateway an earlier host recorded, if it is still the same live process.</summary>
    public void TryAdopt()
    {
        if (reattachment.TryFindRecorded() is not { } record)
        {
            return;
        }

        var current = options.Get(name);
        var spool = reattachment.Path is { } path ? SpoolCapture.TryResume(path, current.MaxLineLength, output, logger) : null;
        var tree = AdoptedContainment.Restore(record, current.CgroupParent, logger);
        var process = new AdoptedGatewayProcess(record.ProcessId, record.StartTime, time, spool, tree, logger);
        var run = new ProcessRun(process, adopted: true, current, time, logger);
        lock (state.Gate)
        {
            state.Run = run;
            state.Commit_NeedsLock(GatewayTransitions.Adopted(state.Current, run.Id, record.BootFingerprint, process.Containment).Next);
        }

        Log.GatewayAdopted(logger, run.Id, reattachment.Path ?? string.Empty);
        Follow(run);
    }

    /// <summary>
    /// Follows a gateway a locator found started outside this host: probed (at <paramref name="healthUrl"/> when given) and reported,
    /// its exit committed without a crash restart. False when its process is already gone.
    /// </summary>
    public bool TryAttachExternal(int processId, Uri? healthUrl, string source)
    {
        if (launcher.AttachExternal(processId, time) is not { } process)
        {
            return false;
        }

        var run = new ProcessRun(process, adopted: false, options.Get(name), time, logger, healthUrl) { External = true };
        lock (state.Gate)
        {
            state.Run = run;
            state.Commit_NeedsLock(GatewayTransitions.AttachedExternal(state.Current, run.Id).Next);
        }

        Log.ExternalGatewayAttached(logger, run.Id, source, run.HealthUrl.AbsoluteUri);
        Follow(run);
        return true;
    }

    /// <summary>Gets or sets what to do once an external gateway went away unasked (the manager may start its own); called outside the lock.</summary>
    public Action? ExternalGone { get; set; }

    /// <summary>Reads the options again: while they would start a different gateway than the running one, a restart is required.</summary>
    public void EvaluateOptions()
    {
        GatewayOptions now;
        try
        {
            now = options.Get(name);
        }
        catch (OptionsValidationException)
        {
            // Invalid options cannot start anything: the next start reports them; until then the running gateway stands.
            return;
        }

        lock (state.Gate)
        {
            // The monitor hands out the same instance until the configuration reloads: only then is there anything to compare.
            var changed = state.Live_NeedsLock is { Adopted: false, External: false } run && !ReferenceEquals(run.Options, now) && Differ(run.Options, now);
            state.Commit_NeedsLock(GatewayTransitions.OptionsEvaluated(state.Current, changed).Next);
        }
    }

    /// <summary>Whether the options configured now would start a different gateway than the running one.</summary>
    public static bool Differ(GatewayOptions running, GatewayOptions now) =>
        !StartInfoOf(running).IsSameLaunchAs(StartInfoOf(now))
        || !string.Equals(running.HealthCheckUrl, now.HealthCheckUrl, StringComparison.Ordinal);

    private static GatewayProcessStartInfo StartInfoOf(GatewayOptions options) => GatewayProcessStartInfo.FromOptions(options);

    /// <summary>The run's own variables (NOTIFY_SOCKET, WATCHDOG_USEC) added to its copy of the environment, never to the options.</summary>
    private static GatewayProcessStartInfo WithSignals(GatewayProcessStartInfo startInfo, IReadinessSource? signals)
    {
        if (signals is not { Environment.Count: > 0 })
        {
            return startInfo;
        }

        var environment = new Dictionary<string, string>(startInfo.Environment, StringComparer.Ordinal);
        foreach (var (key, value) in signals.Environment)
        {
            environment[key] = value;
        }

        return startInfo with { Environment = environment };
    }

    private void Follow(ProcessRun run)
    {
        health.BeginStartup(run);
        _ = FollowExitAsync(run);
    }

    private async Task FollowExitAsync(ProcessRun run)
    {
        var exit = await run.WaitForExitAndOutputAsync().ConfigureAwait(false);

        // A spare is kept only for a crash restart at once; any other end (a stop, a restart the user asked for, staying down, a
        // restart after a backoff) discards it before the state says so, so that nothing of this host's outlives what it reports.
        bool current, keepSpare;
        lock (state.Gate)
        {
            current = ReferenceEquals(state.Run, run);
            keepSpare = current && !run.External && run.StopCause == GatewayExitCause.None
                && crashRestarts.WouldRestartAtOnce_NeedsLock(exit, run.RunningSince, time.GetUtcNow());
        }

        if (current && !keepSpare)
        {
            await DiscardSpareAsync(run).ConfigureAwait(false);
        }

        var wasCurrent = false;
        var externalGone = false;
        var restartsAtOnce = false;
        GatewayTransition transition = default;
        lock (state.Gate)
        {
            run.HasExited = true;
            if (ReferenceEquals(state.Run, run))
            {
                wasCurrent = true;
                state.Run = null;
                var now = time.GetUtcNow();
                if (run.External && run.StopCause == GatewayExitCause.None)
                {
                    // Not our child: no exit code to judge, no output of ours, and not ours to restart.
                    transition = GatewayTransitions.ExternalExited(state.Current, now);
                    state.Commit_NeedsLock(transition.Next);
                    externalGone = true;
                }
                else
                {
                    var decision = run.StopCause == GatewayExitCause.None ? crashRestarts.Decide_NeedsLock(exit, run.RunningSince, now) : default;
                    transition = GatewayTransitions.Exited(state.Current, run.StopCause, exit, now, decision, output.StderrTail.Snapshot());
                    // Armed before it is published: whoever sees "restarting, due at T" finds the restart already pending.
                    if ((transition.Effects & GatewayEffects.ScheduleCrashRestart) != 0)
                    {
                        crashRestarts.Schedule_NeedsLock(decision.Attempt, decision.Delay);
                        restartsAtOnce = decision.Delay <= TimeSpan.Zero;
                    }

                    state.Commit_NeedsLock(transition.Next);
                }
            }
        }

        telemetry.Exited(run.StopCause != GatewayExitCause.None ? "requested" : exit.ExitCode == 0 ? "clean" : "crash");
        await run.Cancellation.CancelAsync().ConfigureAwait(false);
        run.EndStartup();
        run.EndReadiness();
        if (wasCurrent && !run.External)
        {
            reattachment.Forget(run.Id);
        }

        if (wasCurrent && !restartsAtOnce)
        {
            // Kept above for a restart at once that did not come after all (a stop landed meanwhile): it goes now.
            await DiscardSpareAsync(run).ConfigureAwait(false);
        }

        Report(run, exit, transition);
        run.MarkExitHandled();
        run.Process.Dispose();
        if (externalGone)
        {
            ExternalGone?.Invoke();
        }
    }

    private void Report(ProcessRun run, GatewayProcessExit exit, GatewayTransition transition)
    {
        if ((transition.Effects & GatewayEffects.ScheduleCrashRestart) != 0)
        {
            Log.CrashRestartScheduled(logger, transition.Next.RestartAttempt, transition.Next.NextRestartTime!.Value - transition.Next.LastExitTime!.Value);
        }

        if ((transition.Effects & GatewayEffects.ReportCrashLoop) != 0)
        {
            Log.CrashLoop(logger, transition.Next.LastError!);
        }

        if (run.External && run.StopCause == GatewayExitCause.None)
        {
            Log.ExternalGatewayExited(logger, run.Id);
        }
        else if (run.StopCause == GatewayExitCause.None)
        {
            Log.GatewayExitedUnexpectedly(logger, run.Id, exit);
        }
        else
        {
            Log.GatewayExited(logger, run.Id, exit);
        }
    }
}
