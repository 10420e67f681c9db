using Pico.Gateway.Management.Tests.Testing;

namespace Pico.Gateway.Management.Tests.Supervision;

/// <summary>The rows of the state table (spec section 2), driven through a fake process layer and a fake clock.</summary>
public sealed class GatewayManagerStateMachineTests
{
    [Fact]
    public async Task Start_spawns_and_publishes_starting_with_the_pid()
    {
        await using var fixture = new ManagerFixture();

        var result = await fixture.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);

        Assert.Equal(GatewayStartOutcome.Started, result.Outcome);
        var process = Assert.Single(fixture.Launcher.Started);
        Assert.Equal(process.Id, result.ProcessId);
        var starting = await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Starting);
        Assert.Equal(process.Id, starting.ProcessId);
        Assert.Equal(["gateway"], process.StartInfo.Arguments);
    }

    [Fact]
    public async Task Start_that_cannot_spawn_goes_to_error_with_the_spawn_error()
    {
        await using var fixture = new ManagerFixture();
        fixture.Launcher.SpawnError = "could not start '/opt/gateway/picoclaw': No such file or directory";

        var result = await fixture.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);

        Assert.Equal(GatewayStartOutcome.Failed, result.Outcome);
        Assert.Equal(fixture.Launcher.SpawnError, result.Message);
        var error = await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Error);
        Assert.Equal(fixture.Launcher.SpawnError, error.LastError);
        Assert.Null(error.ProcessId);
    }

    [Fact]
    public async Task Starting_becomes_running_on_a_healthy_probe_with_its_details()
    {
        await using var fixture = new ManagerFixture();
        fixture.Probe.Answer = FakeHealthProbe.HealthyWith("""{"status":"ok","uptime":1.5}""");

        await fixture.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);

        var running = await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Running);
        Assert.Equal("ok", running.HealthDetails!["status"].GetString());
        Assert.Equal([GatewayStatus.Stopped, GatewayStatus.Starting, GatewayStatus.Running], fixture.Recorder.Statuses);
    }

    [Fact]
    public async Task Starting_keeps_probing_until_the_first_healthy_answer()
    {
        await using var fixture = new ManagerFixture();
        await fixture.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        // Steps of the first startup waits (5 ms each this early): a longer step would also count the steady tick's timer as
        // something waiting and could run the clock to the startup deadline while a probe's continuation is still queued.
        await fixture.Time.AdvanceUntilAsync(() => fixture.Probe.CallCount >= 3, fixture.Options.StartupProbeInterval);
        Assert.Equal(GatewayStatus.Starting, fixture.Manager.Current.Status);

        fixture.Probe.Answer = HealthProbeResult.Healthy();
        await fixture.Time.AdvanceWhenArmedAsync(fixture.Options.StartupProbeInterval);

        await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Running);
    }

    [Fact]
    public async Task Starting_that_misses_the_deadline_publishes_error()
    {
        await using var fixture = new ManagerFixture(o => o.StartupTimeout = TimeSpan.FromSeconds(15));
        await fixture.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Starting);

        fixture.Time.Advance(TimeSpan.FromSeconds(15));

        var error = await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Error);
        Assert.Equal("the gateway did not become healthy within 15 s", error.LastError);
        Assert.Equal(fixture.Launcher.Last.Id, error.ProcessId);
    }

    [Fact]
    public async Task Error_after_a_missed_deadline_recovers_to_running_when_the_gateway_becomes_healthy()
    {
        await using var fixture = new ManagerFixture();
        await fixture.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        fixture.Time.Advance(fixture.Options.StartupTimeout);
        await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Error);

        fixture.Probe.Answer = HealthProbeResult.Healthy();
        await fixture.Manager.TickAsync(CancellationToken.None);

        var running = await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Running);
        Assert.Null(running.LastError);
    }

    [Fact]
    public async Task Running_stays_running_when_a_probe_gets_no_answer()
    {
        await using var fixture = new ManagerFixture();
        await fixture.StartRunningAsync();
        var sequence = fixture.Manager.Current.Sequence;

        fixture.Probe.Answer = HealthProbeResult.Unreachable("connection refused");
        for (var i = 0; i < 5; i++)
        {
            await fixture.Manager.TickAsync(CancellationToken.None);
        }

        Assert.Equal(GatewayStatus.Running, fixture.Manager.Current.Status);
        Assert.Equal(sequence, fixture.Manager.Current.Sequence);
    }

    [Fact]
    public async Task Running_is_demoted_after_the_configured_number_of_unanswered_probes()
    {
        await using var fixture = new ManagerFixture(o => o.UnhealthyThreshold = 3);
        await fixture.StartRunningAsync();

        fixture.Probe.Answer = HealthProbeResult.Unreachable("connection refused");
        await fixture.Manager.TickAsync(CancellationToken.None);
        await fixture.Manager.TickAsync(CancellationToken.None);
        Assert.Equal(GatewayStatus.Running, fixture.Manager.Current.Status);
        await fixture.Manager.TickAsync(CancellationToken.None);

        var error = await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Error);
        Assert.Equal("health check failed 3 times in a row: connection refused", error.LastError);
    }

    [Fact]
    public async Task Running_goes_to_error_with_the_status_code_on_an_unhealthy_answer()
    {
        await using var fixture = new ManagerFixture();
        await fixture.StartRunningAsync();

        fixture.Probe.Answer = HealthProbeResult.Unhealthy(503);
        await fixture.Manager.TickAsync(CancellationToken.None);

        var error = await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Error);
        Assert.Equal(503, error.HealthStatusCode);
        Assert.Equal("health check answered 503", error.LastError);
        Assert.Equal(fixture.Launcher.Last.Id, error.ProcessId);
    }

    [Fact]
    public async Task Running_goes_to_error_when_a_200_body_is_not_a_json_object()
    {
        await using var fixture = new ManagerFixture();
        await fixture.StartRunningAsync();

        fixture.Probe.Answer = HealthProbeResult.Unhealthy(200, "health check body is not a JSON object");
        await fixture.Manager.TickAsync(CancellationToken.None);

        var error = await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Error);
        Assert.Equal(200, error.HealthStatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Stop_goes_through_stopping_to_stopped_when_the_process_exits(bool whileRunning)
    {
        await using var fixture = new ManagerFixture();
        FakeProcess process;
        if (whileRunning)
        {
            process = await fixture.StartRunningAsync();
        }
        else
        {
            await fixture.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
            process = fixture.Launcher.Last;
        }

        var result = await fixture.Manager.StopAsync().WaitAsync(TestTimeouts.Wait);
        await result.Exited.WaitAsync(TestTimeouts.Wait);

        Assert.Equal(GatewayStopOutcome.Stopping, result.Outcome);
        Assert.Equal(process.Id, result.ProcessId);
        Assert.Equal(1, process.TerminateSignals);
        Assert.Equal(0, process.KillSignals);
        var stopped = await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Stopped, occurrence: 2);
        Assert.Null(stopped.ProcessId);
        Assert.Null(stopped.LastError);
        Assert.Equal(15, stopped.LastExitSignal);
        Assert.Equal(
            [GatewayStatus.Stopping, GatewayStatus.Stopped],
            fixture.Recorder.Statuses.SkipWhile(s => s != GatewayStatus.Stopping));
    }

    [Fact]
    public async Task Stop_answers_at_once_and_kills_a_process_that_ignores_the_termination_signal()
    {
        await using var fixture = new ManagerFixture(o => o.StopTimeout = TimeSpan.FromSeconds(5));
        fixture.Launcher.NextIgnoresTerminate = true;
        var process = await fixture.StartRunningAsync();

        var result = await fixture.Manager.StopAsync().WaitAsync(TestTimeouts.Wait);

        Assert.Equal(GatewayStopOutcome.Stopping, result.Outcome);
        Assert.False(result.Exited.IsCompleted);
        Assert.Equal(GatewayStatus.Stopping, fixture.Manager.Current.Status);
        await fixture.Time.AdvanceToTimerAsync(TimeSpan.FromSeconds(5));
        await result.Exited.WaitAsync(TestTimeouts.Wait);
        Assert.Equal(1, process.KillSignals);
        var stopped = await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Stopped, occurrence: 2);
        Assert.Equal(9, stopped.LastExitSignal);
    }

    [Fact]
    public async Task Stop_of_a_process_that_survives_the_kill_reports_error_and_keeps_tracking_it()
    {
        await using var fixture = new ManagerFixture();
        fixture.Launcher.NextIgnoresTerminate = true;
        var process = await fixture.StartRunningAsync();
        process.IgnoresKill = true;

        var result = await fixture.Manager.StopAsync().WaitAsync(TestTimeouts.Wait);
        await fixture.Time.AdvanceToTimerAsync(fixture.Options.StopTimeout);
        await fixture.Time.AdvanceToTimerAsync(fixture.Options.KillTimeout);
        await result.Exited.WaitAsync(TestTimeouts.Wait);

        var error = await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Error);
        Assert.Equal(process.Id, error.ProcessId);
        Assert.Contains("did not exit", error.LastError, StringComparison.Ordinal);

        process.ExitWithCode(0);
        await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Stopped, occurrence: 2);
    }

    [Fact]
    public async Task Stop_when_nothing_runs_answers_not_running()
    {
        await using var fixture = new ManagerFixture();

        var result = await fixture.Manager.StopAsync().WaitAsync(TestTimeouts.Wait);

        Assert.Equal(GatewayStopOutcome.NotRunning, result.Outcome);
        Assert.True(result.Exited.IsCompleted);
    }

    [Theory]
    [InlineData(GatewayStatus.Starting)]
    [InlineData(GatewayStatus.Running)]
    [InlineData(GatewayStatus.Error)]
    public async Task A_process_that_exits_on_its_own_is_published_as_stopped_with_the_exit_code(GatewayStatus before)
    {
        await using var fixture = new ManagerFixture();
        await fixture.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        var process = fixture.Launcher.Last;
        if (before == GatewayStatus.Running)
        {
            fixture.Probe.Answer = HealthProbeResult.Healthy();
            await fixture.Time.AdvanceUntilAsync(() => fixture.Manager.Current.Status == GatewayStatus.Running, fixture.Options.StartupProbeInterval);
        }
        else if (before == GatewayStatus.Error)
        {
            fixture.Time.Advance(fixture.Options.StartupTimeout);
        }

        await fixture.Recorder.WaitForStatusAsync(before);
        process.ExitWithCode(3);

        var stopped = await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Stopped, occurrence: 2);
        Assert.Equal(3, stopped.LastExitCode);
        Assert.Null(stopped.LastExitSignal);
        Assert.Equal(fixture.Time.GetUtcNow(), stopped.LastExitTime);
        Assert.Equal("the gateway exited with code 3 unexpectedly", stopped.LastError);
        Assert.Null(stopped.ProcessId);
    }

    [Fact]
    public async Task Start_while_running_answers_already_running_with_the_pid()
    {
        await using var fixture = new ManagerFixture();
        var process = await fixture.StartRunningAsync();

        var result = await fixture.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);

        Assert.Equal(GatewayStartResult.AlreadyRunning(process.Id), result);
        Assert.Single(fixture.Launcher.Started);
    }

    [Fact]
    public async Task Start_with_a_failed_precondition_spawns_nothing_and_reports_the_reason()
    {
        await using var fixture = new ManagerFixture();
        fixture.Condition.NotReadyReason = "no default model configured";

        var result = await fixture.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);

        Assert.Equal(GatewayStartResult.PreconditionFailed("no default model configured"), result);
        Assert.Empty(fixture.Launcher.Started);
        var blocked = await fixture.Recorder.WaitForAsync(e => !e.StartAllowed);
        Assert.Equal("no default model configured", blocked.StartBlockedReason);
        Assert.Equal(GatewayStatus.Stopped, blocked.Status);
    }

    [Fact]
    public async Task Restart_replaces_the_process_through_restarting_to_running()
    {
        await using var fixture = new ManagerFixture();
        var old = await fixture.StartRunningAsync();

        var result = await fixture.Manager.RestartAsync().WaitAsync(TestTimeouts.Wait);

        Assert.Equal(GatewayStartOutcome.Started, result.Outcome);
        var replacement = fixture.Launcher.Last;
        Assert.NotEqual(old.Id, replacement.Id);
        Assert.Equal(replacement.Id, result.ProcessId);
        Assert.True(old.HasExited);
        var running = await fixture.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Running && e.ProcessId == replacement.Id);
        var afterFirstRun = fixture.Recorder.Events.SkipWhile(e => e.Status != GatewayStatus.Running).Skip(1).ToList();
        Assert.Equal(
            [(GatewayStatus.Restarting, old.Id), (GatewayStatus.Restarting, null), (GatewayStatus.Restarting, replacement.Id), (GatewayStatus.Running, replacement.Id)],
            afterFirstRun.Select(e => (e.Status, e.ProcessId)));
        Assert.Equal(running, fixture.Manager.Current);
    }

    [Fact]
    public async Task Restart_with_a_failed_precondition_leaves_the_process_untouched()
    {
        await using var fixture = new ManagerFixture();
        var process = await fixture.StartRunningAsync();
        var before = fixture.Manager.Current;
        fixture.Condition.NotReadyReason = "default model \"gpt\" has no credentials configured";

        var result = await fixture.Manager.RestartAsync().WaitAsync(TestTimeouts.Wait);

        Assert.Equal(GatewayStartOutcome.PreconditionFailed, result.Outcome);
        Assert.Equal(0, process.TerminateSignals);
        Assert.Equal(0, process.KillSignals);
        Assert.Single(fixture.Launcher.Started);
        Assert.Equal(GatewayStatus.Running, fixture.Manager.Current.Status);
        Assert.Equal(before.ProcessId, fixture.Manager.Current.ProcessId);
        Assert.DoesNotContain(fixture.Recorder.Events, e => e.Status == GatewayStatus.Restarting);
    }

    [Fact]
    public async Task Restart_keeps_the_old_process_and_returns_to_running_when_it_will_not_exit()
    {
        await using var fixture = new ManagerFixture();
        fixture.Launcher.NextIgnoresTerminate = true;
        var old = await fixture.StartRunningAsync();
        old.IgnoresKill = true;

        var restart = fixture.Manager.RestartAsync();
        await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Restarting);
        await fixture.Time.AdvanceToTimerAsync(fixture.Options.StopTimeout);
        await fixture.Time.AdvanceToTimerAsync(fixture.Options.KillTimeout);
        var result = await restart.WaitAsync(TestTimeouts.Wait);

        Assert.Equal(GatewayStartOutcome.Failed, result.Outcome);
        Assert.Equal(old.Id, result.ProcessId);
        Assert.Single(fixture.Launcher.Started);
        Assert.Equal(1, old.TerminateSignals);
        Assert.Equal(1, old.KillSignals);
        var back = await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Running, occurrence: 2);
        Assert.Equal(old.Id, back.ProcessId);

        // Still tracked: its later exit is noticed.
        old.ExitWithCode(0);
        await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Stopped, occurrence: 2);
    }

    [Fact]
    public async Task Restart_whose_replacement_fails_to_spawn_goes_to_error()
    {
        await using var fixture = new ManagerFixture();
        var old = await fixture.StartRunningAsync();
        fixture.Launcher.SpawnError = "could not start: Permission denied";

        var result = await fixture.Manager.RestartAsync().WaitAsync(TestTimeouts.Wait);

        Assert.Equal(GatewayStartResult.Failed("could not start: Permission denied"), result);
        Assert.True(old.HasExited);
        var error = await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Error);
        Assert.Null(error.ProcessId);
        Assert.Equal("could not start: Permission denied", error.LastError);
    }

    [Fact]
    public async Task Restart_with_nothing_running_starts_as_restarting()
    {
        await using var fixture = new ManagerFixture();
        fixture.Probe.Answer = HealthProbeResult.Healthy();

        var result = await fixture.Manager.RestartAsync().WaitAsync(TestTimeouts.Wait);

        Assert.Equal(GatewayStartOutcome.Started, result.Outcome);
        await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Running);
        Assert.Equal([GatewayStatus.Stopped, GatewayStatus.Restarting, GatewayStatus.Restarting, GatewayStatus.Running], fixture.Recorder.Statuses);
    }

    [Fact]
    public async Task Restarting_that_misses_the_deadline_publishes_error()
    {
        await using var fixture = new ManagerFixture();
        await fixture.StartRunningAsync();
        fixture.Probe.Answer = HealthProbeResult.Unreachable("connection refused");
        await fixture.Manager.RestartAsync().WaitAsync(TestTimeouts.Wait);

        fixture.Time.Advance(fixture.Options.StartupTimeout);

        var error = await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Error);
        Assert.Equal(fixture.Launcher.Last.Id, error.ProcessId);
    }

    [Fact]
    public async Task Concurrent_starts_stops_and_restarts_never_leave_two_live_gateways()
    {
        await using var fixture = new ManagerFixture();
        fixture.Probe.Answer = HealthProbeResult.Healthy();

        var operations = Enumerable.Range(0, 60).Select(i => (i % 3) switch
        {
            0 => (Task)fixture.Manager.StartAsync(),
            1 => fixture.Manager.RestartAsync(),
            _ => fixture.Manager.StopAsync().ContinueWith(t => t.Result.Exited, TaskScheduler.Default).Unwrap(),
        }).ToList();
        await Task.WhenAll(operations).WaitAsync(TestTimeouts.Wait);

        Assert.Equal(1, fixture.Launcher.MaxConcurrentLive);
        Assert.True(fixture.Launcher.LiveCount <= 1);
        var events = fixture.Recorder.Events;
        Assert.Equal(Enumerable.Range(0, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Restart_required_is_published_when_the_fingerprint_changes_while_running_and_cleared_by_a_restart()
    {
        await using var fixture = new ManagerFixture();
        fixture.Fingerprint.Value = "model-a";
        await fixture.StartRunningAsync();
        Assert.False(fixture.Manager.Current.RestartRequired);
        Assert.Equal("model-a", fixture.Manager.Current.BootFingerprint);

        fixture.Fingerprint.Value = "model-b";
        await fixture.Manager.TickAsync(CancellationToken.None);

        var required = await fixture.Recorder.WaitForAsync(e => e.RestartRequired);
        Assert.Equal(("model-a", "model-b"), (required.BootFingerprint, required.CurrentFingerprint));

        var restart = await fixture.Manager.RestartAsync().WaitAsync(TestTimeouts.Wait);
        var running = await fixture.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Running && e.ProcessId == restart.ProcessId);
        Assert.False(running.RestartRequired);
        Assert.Equal("model-b", running.BootFingerprint);
    }

    [Fact]
    public async Task Restart_required_is_false_outside_running()
    {
        await using var fixture = new ManagerFixture();
        fixture.Fingerprint.Value = "model-a";
        await fixture.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        fixture.Fingerprint.Value = "model-b";

        await fixture.Manager.TickAsync(CancellationToken.None);

        Assert.Equal(GatewayStatus.Starting, fixture.Manager.Current.Status);
        Assert.Equal("model-b", fixture.Manager.Current.CurrentFingerprint);
        Assert.False(fixture.Manager.Current.RestartRequired);
    }

    [Fact]
    public async Task Start_allowed_changes_are_noticed_on_the_monitor_tick()
    {
        await using var fixture = new ManagerFixture(o => o.HealthCheckInterval = TimeSpan.FromSeconds(2));
        fixture.Condition.NotReadyReason = "no default model configured";

        await fixture.Time.AdvanceUntilAsync(() => !fixture.Manager.Current.StartAllowed, TimeSpan.FromSeconds(2));
        await fixture.Recorder.WaitForAsync(e => e.StartBlockedReason == "no default model configured");

        fixture.Condition.NotReadyReason = null;
        await fixture.Time.AdvanceUntilAsync(() => fixture.Manager.Current.StartAllowed, TimeSpan.FromSeconds(2));
        var allowed = await fixture.Recorder.WaitForAsync(e => e.StartAllowed, occurrence: 2);
        Assert.Null(allowed.StartBlockedReason);
    }

    [Fact]
    public async Task Running_gateway_is_probed_every_health_check_interval()
    {
        await using var fixture = new ManagerFixture(o => o.HealthCheckInterval = TimeSpan.FromSeconds(2));
        await fixture.StartRunningAsync();
        var calls = fixture.Probe.CallCount;

        fixture.Probe.Answer = HealthProbeResult.Unhealthy(500);
        await fixture.Time.AdvanceUntilAsync(() => fixture.Probe.CallCount > calls, TimeSpan.FromSeconds(2));

        await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Error);
    }

    [Fact]
    public async Task Health_details_refresh_the_snapshot_without_publishing_an_event()
    {
        await using var fixture = new ManagerFixture();
        fixture.Probe.Answer = FakeHealthProbe.HealthyWith("""{"uptime":1}""");
        await fixture.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        var running = await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Running);

        fixture.Probe.Answer = FakeHealthProbe.HealthyWith("""{"uptime":2}""");
        await fixture.Manager.TickAsync(CancellationToken.None);

        Assert.Equal(2, fixture.Manager.Current.HealthDetails!["uptime"].GetInt32());
        Assert.Equal(running.Sequence, fixture.Manager.Current.Sequence);
        Assert.True(running.HasSameStateAs(fixture.Manager.Current));
        using var late = new EventRecorder(fixture.Manager);
        var first = await late.WaitForAsync(_ => true);
        Assert.Same(fixture.Manager.Current, first);
    }

    [Fact]
    public async Task Dispose_stops_the_gateway_and_completes_the_event_stream()
    {
        var fixture = new ManagerFixture();
        var process = await fixture.StartRunningAsync();

        await fixture.Manager.DisposeAsync().AsTask().WaitAsync(TestTimeouts.Wait);

        Assert.True(process.HasExited);
        Assert.Equal(1, process.TerminateSignals);
        await fixture.Recorder.WaitForCompletionAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => fixture.Manager.StartAsync());
    }

    [Fact]
    public async Task Output_lines_reach_the_ring_buffer_and_every_sink_with_stream_and_timestamp()
    {
        var sink = new RecordingSink();
        await using var fixture = new ManagerFixture(sinks: [sink, new ThrowingSink()]);
        await fixture.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);

        fixture.Launcher.Last.WriteLine(GatewayLogStream.StandardOutput, "hello");
        fixture.Launcher.Last.WriteLine(GatewayLogStream.StandardError, "oops");

        var page = fixture.Logs.Read(0, -1);
        Assert.Equal(["hello", "oops"], page.Lines.Select(l => l.Text));
        Assert.Equal(1, page.RunId);
        Assert.Equal([GatewayLogStream.StandardOutput, GatewayLogStream.StandardError], sink.Lines.Select(l => l.Stream));
        Assert.Equal(fixture.Time.GetUtcNow(), sink.Lines[0].Timestamp);
        Assert.True(sink.Lines[0].Sequence < sink.Lines[1].Sequence);
        Assert.Equal(1, sink.Runs);
    }

    [Fact]
    public async Task Each_spawn_starts_a_new_log_run()
    {
        await using var fixture = new ManagerFixture();
        await fixture.StartRunningAsync();
        fixture.Launcher.Last.WriteLine(GatewayLogStream.StandardOutput, "first run");

        await fixture.Manager.RestartAsync().WaitAsync(TestTimeouts.Wait);
        fixture.Launcher.Last.WriteLine(GatewayLogStream.StandardOutput, "second run");

        var page = fixture.Logs.Read(0, 1);
        Assert.Equal(2, page.RunId);
        Assert.Equal(["second run"], page.Lines.Select(l => l.Text));
    }

    private sealed class RecordingSink : ILogSink
    {
        public List<GatewayLogLine> Lines { get; } = [];

        public int Runs { get; private set; }

        public void OnProcessStarting() => Runs++;

        public void Write(in GatewayLogLine line) => Lines.Add(line);
    }

    private sealed class ThrowingSink : ILogSink
    {
        public void Write(in GatewayLogLine line) => throw new InvalidOperationException("sink is broken");
    }
}
