using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// Every edge of the state diagram (README.md, "States"), each a pure function from the current snapshot and what happened to
/// the next snapshot and the effects to carry out. Nothing here reads a clock, touches a process or a file, or takes a lock:
/// the caller passes the time and decides under its lock; it is tested as a table against the README's diagram.
/// </summary>
internal static class GatewayTransitions
{
    /// <summary>stopped / error → starting; any → restarting for a restart or a crash restart: a process was spawned.</summary>
    public static GatewayTransition Spawned(
        GatewayEvent current, int processId, string? bootFingerprint, GatewayStatus initialStatus, int restartAttempt, GatewayContainmentMode containment = GatewayContainmentMode.ProcessGroup) =>
        new(WithoutProcess(current) with
        {
            ContainmentMode = containment,
            Status = initialStatus,
            ProcessId = processId,
            BootFingerprint = bootFingerprint,
            LastError = null,
            NextRestartTime = null,
            RestartAttempt = restartAttempt,
            IsAdopted = false,
        });

    /// <summary>A process recorded by an earlier host is alive: it is ours again, and starting until its first healthy probe.</summary>
    public static GatewayTransition Adopted(
        GatewayEvent current, int processId, string? bootFingerprint, GatewayContainmentMode containment = GatewayContainmentMode.ProcessGroup) =>
        new(current with
        {
            Status = GatewayStatus.Starting,
            ProcessId = processId,
            BootFingerprint = bootFingerprint,
            IsAdopted = true,

            // The run's cgroup or cookie as the pid file recorded it and adoption verified it; the process group when it could not be.
            ContainmentMode = containment,
        });

    /// <summary>
    /// stopped / error → starting: a locator found a gateway started outside this host while none of ours ran. It is external
    /// (never stopped on host exit, controlled only when allowed), and starting until its first healthy probe.
    /// </summary>
    public static GatewayTransition AttachedExternal(GatewayEvent current, int processId) =>
        new(WithoutProcess(current) with
        {
            Status = GatewayStatus.Starting,
            ProcessId = processId,
            Ownership = GatewayOwnership.External,
            IsAdopted = false,
            LastError = null,
            NextRestartTime = null,
            RestartAttempt = 0,
        });

    /// <summary>
    /// starting / running / error → stopped: the external gateway went away unasked. It was not this host's child, so its exit code
    /// and signal are unknown; no crash restart follows (the host may start its own, <see cref="ExternalGatewayOptions.StartWhenGone"/>).
    /// </summary>
    public static GatewayTransition ExternalExited(GatewayEvent current, DateTimeOffset now) =>
        new(
            WithoutProcess(current) with
            {
                Status = GatewayStatus.Stopped,
                LastExitCode = null,
                LastExitSignal = null,
                LastExitTime = now,
                LastStderr = null,
                LastError = $"the external gateway (pid {current.ProcessId}) exited; it was not started by this host, so its exit code is unknown",
            },
            GatewayEffects.EndStartup);

    /// <summary>stopped / error / restarting → error: the spawn failed, and a crash restart that was due is spent.</summary>
    public static GatewayTransition SpawnFailed(GatewayEvent current, string error) =>
        new(WithoutProcess(current) with { Status = GatewayStatus.Error, LastError = error, NextRestartTime = null });

    /// <summary>starting / restarting / error → running: a healthy probe. In running it only refreshes the details.</summary>
    public static GatewayTransition Healthy(GatewayEvent current, HealthProbeResult result) =>
        new(
            current with
            {
                Status = GatewayStatus.Running,
                HealthDetails = result.Details,
                HealthText = result.Text,
                HealthStatusCode = null,
                StartupDetail = null,
                LastError = current.Status == GatewayStatus.Running ? current.LastError : null,
            },
            current.Status is GatewayStatus.Starting or GatewayStatus.Restarting ? GatewayEffects.EndStartup : GatewayEffects.None);

    /// <summary>running → error: the gateway answered, and the answer is unhealthy (its status code is kept).</summary>
    public static GatewayTransition UnhealthyAnswer(GatewayEvent current, HealthProbeResult result) =>
        new(
            current with { Status = GatewayStatus.Error, HealthDetails = null, HealthStatusCode = result.StatusCode, LastError = result.Description },
            GatewayEffects.ReportUnhealthy);

    /// <summary>
    /// running → error after <paramref name="threshold"/> probes in a row got no answer (0: never, the seed's rule); otherwise
    /// nothing changes.
    /// </summary>
    public static GatewayTransition Unanswered(GatewayEvent current, HealthProbeResult result, int consecutiveFailures, int threshold)
    {
        if (threshold <= 0 || consecutiveFailures < threshold || current.Status != GatewayStatus.Running)
        {
            return new(current);
        }

        return new(
            current with
            {
                Status = GatewayStatus.Error,
                HealthDetails = null,
                LastError = $"health check failed {consecutiveFailures} times in a row: {result.Description}",
            },
            GatewayEffects.ReportUnhealthy);
    }

    /// <summary>starting / restarting → error: the startup deadline passed without a healthy probe (StartupDetail keeps the last outcome).</summary>
    public static GatewayTransition DeadlinePassed(GatewayEvent current, TimeSpan startupTimeout) =>
        new(
            current with { Status = GatewayStatus.Error, LastError = $"the gateway did not become healthy within {Durations.Format(startupTimeout)}" },
            GatewayEffects.ReportStartupTimeout | GatewayEffects.EndStartup);

    /// <summary>While starting, a readiness probe did not find the gateway ready: its outcome in words, published when it changes.</summary>
    public static GatewayTransition StartupProbed(GatewayEvent current, string detail) => new(current with { StartupDetail = detail });

    /// <summary>A Notify gateway sent a status (STATUS=, or STOPPING=1, RELOADING=1, ERRNO= in words).</summary>
    public static GatewayTransition StatusNotified(GatewayEvent current, string text) => new(current with { StatusText = text });

    /// <summary>
    /// running → error: a Notify gateway sent no WATCHDOG=1 within the watchdog timeout: it is hung. It is then killed, and its exit
    /// is a crash the restart policy decides about.
    /// </summary>
    public static GatewayTransition WatchdogExpired(GatewayEvent current, TimeSpan timeout) =>
        new(
            current with { Status = GatewayStatus.Error, HealthDetails = null, LastError = $"watchdog: no WATCHDOG=1 within {Durations.Format(timeout)}" },
            GatewayEffects.ReportUnhealthy);

    /// <summary>
    /// starting / restarting → error at once: the answer can never become healthy as it stands (a strict probe got a content type
    /// that is not JSON), so waiting for the deadline would only delay the news. The steady ticks still probe it, to see it recover.
    /// </summary>
    public static GatewayTransition AnswerCannotBecomeHealthy(GatewayEvent current, HealthProbeResult result) =>
        new(
            current with { Status = GatewayStatus.Error, HealthDetails = null, HealthStatusCode = result.StatusCode, LastError = result.Description, StartupDetail = null },
            GatewayEffects.ReportUnhealthy | GatewayEffects.EndStartup);

    /// <summary>starting / running / error → stopping: a stop with a live process; a pending crash restart is dropped.</summary>
    public static GatewayTransition StopRequested(GatewayEvent current) =>
        new(current with { Status = GatewayStatus.Stopping, NextRestartTime = null, StartupDetail = null }, GatewayEffects.EndStartup);

    /// <summary>restarting → stopped: a stop while only a crash restart was pending: the user wants the gateway down.</summary>
    public static GatewayTransition PendingRestartCancelled(GatewayEvent current) =>
        new(current with { Status = GatewayStatus.Stopped, NextRestartTime = null, RestartAttempt = 0 });

    /// <summary>stopping → error: the process outlived SIGTERM and SIGKILL; it is still tracked.</summary>
    public static GatewayTransition StopFailed(GatewayEvent current, int processId) =>
        new(current with { Status = GatewayStatus.Error, LastError = $"the gateway (pid {processId}) did not exit after SIGTERM and SIGKILL" });

    /// <summary>running / starting / error / stopped → restarting: a restart whose start conditions are ready begins.</summary>
    public static GatewayTransition RestartBegun(GatewayEvent current) =>
        new(current with { Status = GatewayStatus.Restarting, NextRestartTime = null, StartupDetail = null }, GatewayEffects.EndStartup);

    /// <summary>restarting → running: the old process would not exit after StopTimeout and KillTimeout, so it is kept.</summary>
    public static GatewayTransition RestartKeptOld(GatewayEvent current, int processId) =>
        new(current with { Status = GatewayStatus.Running, LastError = $"restart failed: the gateway (pid {processId}) did not exit" });

    /// <summary>restarting → error: a start condition refused the crash restart that was due.</summary>
    public static GatewayTransition CrashRestartRefused(GatewayEvent current, string reason) =>
        new(current with { Status = GatewayStatus.Error, LastError = $"crash restart refused: {reason}", NextRestartTime = null });

    /// <summary>stopped → error: another live host owns the gateway; this one neither adopts, starts nor stops it.</summary>
    public static GatewayTransition OwnedElsewhere(GatewayEvent current, string owner) =>
        new(current with { Status = GatewayStatus.Error, LastError = owner });

    /// <summary>error → stopped: the other host went away and this one took ownership (re-attach may follow).</summary>
    public static GatewayTransition OwnershipTaken(GatewayEvent current) =>
        new(current with { Status = GatewayStatus.Stopped, LastError = null });

    /// <summary>The start conditions and the fingerprint were evaluated (a tick, a start, a restart).</summary>
    public static GatewayTransition ConditionsEvaluated(GatewayEvent current, StartConditionResult verdict, string? fingerprint) =>
        new(current with { StartAllowed = verdict.IsReady, StartBlockedReason = verdict.Reason, CurrentFingerprint = fingerprint });

    /// <summary>The options were read again on a tick: while they differ from the running gateway's, a restart is required.</summary>
    public static GatewayTransition OptionsEvaluated(GatewayEvent current, bool changed) => new(current with { OptionsChanged = changed });

    /// <summary>
    /// The tracked process exited. Asked to stop: stopping → stopped. Asked to restart: restarting stays (the replacement
    /// follows). Nobody asked: the crash decision says stopped, error (crash loop) or restarting with the due time, and the last
    /// stderr lines are kept; an exit while starting, or one that ends in a crash loop, names them in LastError too.
    /// </summary>
    public static GatewayTransition Exited(
        GatewayEvent current, GatewayExitCause cause, GatewayProcessExit exit, DateTimeOffset now, CrashDecision decision, IReadOnlyList<string>? lastStderr = null)
    {
        var next = WithoutProcess(current) with { LastExitCode = exit.ExitCode, LastExitSignal = exit.Signal, LastExitTime = now, LastStderr = null };
        switch (cause)
        {
            case GatewayExitCause.Restart:
                return new(next with { Status = GatewayStatus.Restarting });
            case GatewayExitCause.Stop:
                return new(next with { Status = GatewayStatus.Stopped, LastError = null });
        }

        var stderr = lastStderr is { Count: > 0 } ? lastStderr : null;
        next = next with { LastStderr = stderr };
        if (stderr is not null && decision.LastError is { } why && (IsStartingUp(current) || decision.Kind == CrashDecisionKind.CrashLoop))
        {
            decision = decision with { LastError = why + "; stderr:\n" + string.Join('\n', stderr) };
        }

        return decision.Kind switch
        {
            CrashDecisionKind.StayDown => new(next with { Status = GatewayStatus.Stopped, LastError = decision.LastError }, GatewayEffects.EndStartup),
            CrashDecisionKind.CrashLoop => new(
                next with { Status = GatewayStatus.Error, LastError = decision.LastError, NextRestartTime = null },
                GatewayEffects.ReportCrashLoop | GatewayEffects.EndStartup),
            _ => new(
                next with
                {
                    Status = GatewayStatus.Restarting,
                    LastError = decision.LastError,
                    NextRestartTime = now + decision.Delay,
                    RestartAttempt = decision.Attempt,
                },
                GatewayEffects.ScheduleCrashRestart | GatewayEffects.EndStartup),
        };
    }

    /// <summary>Whether <paramref name="current"/> with a live, unstopped process is still waiting for its first healthy probe.</summary>
    public static bool IsStartingUp(GatewayEvent current) => current.Status is GatewayStatus.Starting or GatewayStatus.Restarting;

    /// <summary>Whether the steady health ticks probe a live, unstopped process in <paramref name="current"/>.</summary>
    public static bool IsProbedOnTicks(GatewayEvent current) => current.Status is GatewayStatus.Running or GatewayStatus.Error;

    /// <summary>The one place that says what a snapshot forgets when its process goes.</summary>
    private static GatewayEvent WithoutProcess(GatewayEvent current) =>
        current with
        {
            ProcessId = null,
            BootFingerprint = null,
            HealthDetails = null,
            HealthText = null,
            HealthStatusCode = null,
            StartupDetail = null,
            StatusText = null,
            OptionsChanged = false,
            ContainmentMode = null,
            Ownership = GatewayOwnership.Owned,
        };
}
