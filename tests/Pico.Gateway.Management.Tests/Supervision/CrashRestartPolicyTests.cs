using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Tests.Testing;

namespace Pico.Gateway.Management.Tests.Supervision;

/// <summary>Spec section 6: what happens after an exit nobody asked for.</summary>
public sealed class CrashRestartPolicyTests
{
    private static ManagerFixture Create(GatewayRestartPolicy policy = GatewayRestartPolicy.OnFailure) => new(o =>
    {
        o.RestartPolicy = policy;
        o.RestartBackoffBase = TimeSpan.FromSeconds(1);
        o.RestartBackoffMax = TimeSpan.FromSeconds(30);
        o.RestartResetAfter = TimeSpan.FromSeconds(60);
        o.CrashLoopMaxExits = 5;
        o.CrashLoopWindow = TimeSpan.FromSeconds(60);
    });

    /// <summary>A gateway that never answered healthily crashes: its restart waits RestartBackoffBase (a healthy one's is immediate).</summary>
    private static async Task<FakeProcess> CrashBeforeHealthyAsync(ManagerFixture fixture)
    {
        fixture.Probe.Answer = HealthProbeResult.Unreachable("not yet");
        await fixture.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        var process = fixture.Launcher.Last;
        process.ExitWithCode(1);
        await fixture.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Restarting && e.NextRestartTime is not null);
        fixture.Probe.Answer = HealthProbeResult.Healthy();
        return process;
    }

    [Fact]
    public void The_default_policy_restarts_on_failure()
    {
        Assert.Equal(GatewayRestartPolicy.OnFailure, new GatewayOptions().RestartPolicy);
    }

    [Fact]
    public async Task A_crash_schedules_a_restart_shown_as_restarting_with_the_due_time()
    {
        await using var fixture = Create();
        var first = await fixture.StartRunningAsync();

        first.Exit(new GatewayProcessExit(null, 11));

        var waiting = await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Restarting);
        Assert.Null(waiting.ProcessId);

        // The first restart after a healthy run is due at once (spec section 6); the backoff starts with the next one.
        Assert.Equal(fixture.Time.GetUtcNow(), waiting.NextRestartTime);
        Assert.Equal(1, waiting.RestartAttempt);
        Assert.Equal(11, waiting.LastExitSignal);
        Assert.Equal("the gateway terminated by signal 11 (SIGSEGV) unexpectedly", waiting.LastError);

        var restarted = await fixture.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Running && e.ProcessId != first.Id);
        Assert.Equal(2, fixture.Launcher.Started.Count);
        Assert.Equal(1, restarted.RestartAttempt);
        Assert.Null(restarted.NextRestartTime);
    }

    [Fact]
    public async Task Backoff_doubles_up_to_the_cap()
    {
        await using var fixture = new ManagerFixture(o =>
        {
            o.RestartPolicy = GatewayRestartPolicy.Always;
            o.RestartBackoffBase = TimeSpan.FromSeconds(1);
            o.RestartBackoffMax = TimeSpan.FromSeconds(5);
            o.CrashLoopMaxExits = 100;
        });
        fixture.Probe.Answer = HealthProbeResult.Unreachable("not yet");
        await fixture.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        var delays = new List<TimeSpan>();

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            fixture.Launcher.Last.ExitWithCode(1);
            var waiting = await fixture.Recorder.WaitForAsync(e => e.RestartAttempt == attempt && e.NextRestartTime is not null);
            var delay = waiting.NextRestartTime!.Value - fixture.Time.GetUtcNow();
            delays.Add(delay);
            await fixture.Time.AdvanceToTimerAsync(delay);
            await fixture.Recorder.WaitForAsync(e => e.RestartAttempt == attempt && e.ProcessId is not null && e.Status == GatewayStatus.Restarting);
        }

        Assert.Equal([1, 2, 4, 5, 5], delays.Select(d => d.TotalSeconds));
    }

    [Fact]
    public async Task Backoff_resets_after_the_gateway_stayed_running_long_enough()
    {
        await using var fixture = Create();
        var first = await fixture.StartRunningAsync();
        first.ExitWithCode(1);
        await fixture.Recorder.WaitForAsync(e => e.RestartAttempt == 1 && e.NextRestartTime is not null);
        var second = await fixture.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Running && e.ProcessId != first.Id);

        fixture.Time.Advance(TimeSpan.FromSeconds(61));
        fixture.Launcher.Last.ExitWithCode(1);

        var waiting = await fixture.Recorder.WaitForAsync(e => e.NextRestartTime is not null && e.Sequence > second.Sequence);
        Assert.Equal(1, waiting.RestartAttempt);
        Assert.Equal(fixture.Time.GetUtcNow(), waiting.NextRestartTime);
    }

    [Fact]
    public async Task Too_many_exits_within_the_window_stop_the_restarts_with_an_error()
    {
        await using var fixture = Create();
        fixture.Probe.Answer = HealthProbeResult.Unreachable("not yet");
        await fixture.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            fixture.Launcher.Last.ExitWithCode(2);
            var waiting = await fixture.Recorder.WaitForAsync(e => e.RestartAttempt == attempt && e.NextRestartTime is not null);
            await fixture.Time.AdvanceToTimerAsync(waiting.NextRestartTime!.Value - fixture.Time.GetUtcNow());
            await fixture.Recorder.WaitForAsync(e => e.RestartAttempt == attempt && e.ProcessId is not null);
        }

        fixture.Launcher.Last.ExitWithCode(2);

        var error = await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Error);
        Assert.Equal("crash loop: 5 exits in 60 s (last: the gateway exited with code 2 unexpectedly)", error.LastError);
        Assert.Null(error.NextRestartTime);
        Assert.Equal(5, fixture.Launcher.Started.Count);
    }

    [Fact]
    public async Task A_clean_exit_is_respected_under_on_failure()
    {
        await using var fixture = Create(GatewayRestartPolicy.OnFailure);
        var process = await fixture.StartRunningAsync();

        process.ExitWithCode(0);

        var stopped = await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Stopped, occurrence: 2);
        Assert.Null(stopped.LastError);
        Assert.Equal(0, stopped.LastExitCode);
        Assert.Single(fixture.Launcher.Started);
    }

    [Fact]
    public async Task A_clean_exit_is_restarted_under_always()
    {
        await using var fixture = Create(GatewayRestartPolicy.Always);
        var process = await fixture.StartRunningAsync();

        process.ExitWithCode(0);

        var waiting = await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Restarting);
        Assert.Equal("the gateway exited with code 0", waiting.LastError);
    }

    [Fact]
    public async Task Never_leaves_a_crashed_gateway_stopped()
    {
        await using var fixture = Create(GatewayRestartPolicy.Never);
        var process = await fixture.StartRunningAsync();

        process.ExitWithCode(1);

        await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Stopped, occurrence: 2);
        Assert.Null(fixture.Manager.Current.NextRestartTime);
    }

    [Fact]
    public async Task A_stop_cancels_a_pending_restart()
    {
        await using var fixture = Create();
        await CrashBeforeHealthyAsync(fixture);

        var stop = await fixture.Manager.StopAsync().WaitAsync(TestTimeouts.Wait);

        Assert.Equal(GatewayStopOutcome.NotRunning, stop.Outcome);
        var stopped = await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Stopped, occurrence: 2);
        Assert.Null(stopped.NextRestartTime);
        fixture.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Single(fixture.Launcher.Started);
        Assert.Equal(GatewayStatus.Stopped, fixture.Manager.Current.Status);
    }

    [Fact]
    public async Task A_start_during_a_pending_restart_starts_now_and_forgets_the_backoff()
    {
        await using var fixture = Create();
        await CrashBeforeHealthyAsync(fixture);

        var result = await fixture.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);

        Assert.Equal(GatewayStartOutcome.Started, result.Outcome);
        var running = await fixture.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Running && e.ProcessId == result.ProcessId);
        Assert.Equal(0, running.RestartAttempt);
        fixture.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(2, fixture.Launcher.Started.Count);
    }

    [Fact]
    public async Task A_pending_restart_whose_precondition_fails_goes_to_error()
    {
        await using var fixture = Create();
        await CrashBeforeHealthyAsync(fixture);
        fixture.Condition.NotReadyReason = "no default model configured";

        await fixture.Time.AdvanceToTimerAsync(TimeSpan.FromSeconds(1));

        var error = await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Error);
        Assert.Equal("crash restart refused: no default model configured", error.LastError);
        Assert.Single(fixture.Launcher.Started);
    }

    [Fact]
    public async Task A_crash_restart_whose_spawn_fails_goes_to_error_with_no_restart_pending()
    {
        await using var fixture = Create();
        await CrashBeforeHealthyAsync(fixture);
        fixture.Launcher.SpawnError = "could not start '/opt/gateway/picoclaw': No such file or directory";

        await fixture.Time.AdvanceToTimerAsync(TimeSpan.FromSeconds(1));

        var error = await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Error);
        Assert.Equal(fixture.Launcher.SpawnError, error.LastError);
        Assert.Null(error.NextRestartTime);
        Assert.Null(fixture.Manager.Current.NextRestartTime);
    }

    [Fact]
    public async Task A_start_during_a_pending_restart_whose_spawn_fails_leaves_no_restart_pending()
    {
        await using var fixture = Create();
        await CrashBeforeHealthyAsync(fixture);
        fixture.Launcher.SpawnError = "could not start '/opt/gateway/picoclaw': Permission denied";

        var start = await fixture.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);

        Assert.Equal(GatewayStartOutcome.Failed, start.Outcome);
        var error = fixture.Manager.Current;
        Assert.Equal(GatewayStatus.Error, error.Status);
        Assert.Null(error.NextRestartTime);
    }

    [Fact]
    public async Task A_requested_stop_is_never_restarted()
    {
        await using var fixture = Create(GatewayRestartPolicy.Always);
        await fixture.StartRunningAsync();

        var stop = await fixture.Manager.StopAsync().WaitAsync(TestTimeouts.Wait);
        await stop.Exited.WaitAsync(TestTimeouts.Wait);

        await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Stopped, occurrence: 2);
        fixture.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Single(fixture.Launcher.Started);
    }

    [Fact]
    public async Task After_an_immediate_first_restart_the_next_crash_waits_the_backoff_base()
    {
        await using var fixture = Create();
        var first = await fixture.StartRunningAsync();
        first.ExitWithCode(1);
        var second = await fixture.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Running && e.ProcessId != first.Id);

        fixture.Launcher.Last.ExitWithCode(1);

        var waiting = await fixture.Recorder.WaitForAsync(e => e.RestartAttempt == 2 && e.NextRestartTime is not null && e.Sequence > second.Sequence);
        Assert.Equal(fixture.Time.GetUtcNow() + TimeSpan.FromSeconds(1), waiting.NextRestartTime);
        Assert.Equal(2, fixture.Launcher.Started.Count);
        await fixture.Time.AdvanceToTimerAsync(TimeSpan.FromSeconds(1));
        await fixture.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Running && e.RestartAttempt == 2);
        Assert.Equal(3, fixture.Launcher.Started.Count);
    }
}
