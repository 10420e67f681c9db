using Pico.Gateway.Management.Health;
using Pico.Gateway.Management.Supervision;
using Pico.Gateway.Management.Tests.Testing;

namespace Pico.Gateway.Management.Tests.Health;

/// <summary>Startup probing through a fake probe and a fake clock: the backoff, the reasons in words, an answer that cannot become healthy.</summary>
public sealed class StartupProbingTests
{
    [Theory]
    [InlineData(0, 5)]
    [InlineData(40, 5)]
    [InlineData(80, 10)]
    [InlineData(800, 100)]
    [InlineData(16_000, 2000)]
    [InlineData(600_000, 2000)]
    public void The_startup_wait_is_an_eighth_of_the_time_spent_starting_within_the_two_intervals(int elapsedMs, int waitMs)
    {
        var options = new GatewayOptions { StartupProbeInterval = TimeSpan.FromMilliseconds(5), HealthCheckInterval = TimeSpan.FromSeconds(2) };

        Assert.Equal(TimeSpan.FromMilliseconds(waitMs), StartupProbeSchedule.NextDelay(TimeSpan.FromMilliseconds(elapsedMs), options));
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(40, 5)]
    [InlineData(48, 6)]
    [InlineData(52, 3)] // the curve's 7 ms would pass 55 ms, where the window around the last startup (110 ms) begins
    [InlineData(54, 1)]
    [InlineData(55, 3)] // in the window [55, 165] ms: 110 ms for about 32 probes
    [InlineData(62, 3)] // a crash restart that takes the spare (no cgroup move) answers earlier than the start it learned from
    [InlineData(120, 3)]
    [InlineData(137, 3)] // a restart that starts later than the start it learned from is still in it
    [InlineData(164, 3)]
    [InlineData(165, 21)] // past it: the curve again
    public void Around_the_last_startup_time_the_gateway_is_probed_densely(int elapsedMs, int waitMs)
    {
        var options = new GatewayOptions { StartupProbeInterval = TimeSpan.FromMilliseconds(5), HealthCheckInterval = TimeSpan.FromSeconds(2) };

        Assert.Equal(
            TimeSpan.FromMilliseconds(waitMs),
            StartupProbeSchedule.NextDelay(TimeSpan.FromMilliseconds(elapsedMs), options, expected: TimeSpan.FromMilliseconds(110)));
    }

    [Fact]
    public void Learning_the_startup_time_adds_fewer_than_sixty_five_probes_to_a_start_whatever_it_learned()
    {
        var options = new GatewayOptions();
        var plain = ProbesUntil(options.StartupTimeout, options, expected: null);

        // Issue 10: a slow gateway is not asked thousands of times; the window costs at most its probes (fewer than 64, the most
        // where a window under 64 ms is probed every millisecond) and the one that aligns to it.
        foreach (var expectedMs in Enumerable.Range(1, 300).Concat([1_000, 2_000, 10_000, 60_000]))
        {
            var learned = ProbesUntil(options.StartupTimeout, options, TimeSpan.FromMilliseconds(expectedMs));
            Assert.True(learned - plain is >= 0 and <= 65, $"{learned - plain} more probes for a learned start of {expectedMs} ms");
            Assert.True(learned <= 140, $"{learned} probes for a learned start of {expectedMs} ms");
        }
    }

    [Fact]
    public void A_first_wait_longer_than_the_interval_is_kept()
    {
        var options = new GatewayOptions { StartupProbeInterval = TimeSpan.FromSeconds(3), HealthCheckInterval = TimeSpan.FromSeconds(2) };

        Assert.Equal(TimeSpan.FromSeconds(3), StartupProbeSchedule.NextDelay(TimeSpan.Zero, options));
    }

    [Fact]
    public async Task A_starting_gateway_is_probed_every_5_ms_at_first_then_an_eighth_of_the_time_spent()
    {
        await using var fixture = new ManagerFixture();
        await fixture.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);

        var start = fixture.Time.GetUtcNow();

        // Probes at 0, 5, ..., 45 ms (an eighth of 40 ms is still 5 ms), then an eighth of 45 ms later, in whole milliseconds.
        for (var i = 0; i < 9; i++)
        {
            var before = fixture.Probe.CallCount;
            await fixture.Time.AdvanceToTimerAsync(TimeSpan.FromMilliseconds(5)).WaitAsync(TestTimeouts.Wait);
            await fixture.Time.AdvanceUntilAsync(() => fixture.Probe.CallCount > before, TimeSpan.Zero).WaitAsync(TestTimeouts.Wait);
        }

        var tenth = fixture.Probe.CallCount;
        await fixture.Time.AdvanceToTimerAsync(TimeSpan.FromMilliseconds(6)).WaitAsync(TestTimeouts.Wait);
        await fixture.Time.AdvanceUntilAsync(() => fixture.Probe.CallCount > tenth, TimeSpan.Zero).WaitAsync(TestTimeouts.Wait);

        Assert.Equal(10, tenth);
        Assert.Equal(TimeSpan.FromMilliseconds(51), fixture.Time.GetUtcNow() - start);
        Assert.Equal(GatewayStatus.Starting, fixture.Manager.Current.Status);
    }

    [Fact]
    public async Task The_next_start_is_probed_densely_around_the_time_the_last_one_took_to_answer()
    {
        await using var fixture = new ManagerFixture();
        int[] curve = [5, 5, 5, 5, 5, 5, 5, 5, 5, 6, 7, 8, 9, 10, 11];

        // First start, nothing learned: the curve's probes at 0, 5, ..., 96, 108 ms, then 122 ms answers.
        var first = await StartAndTimeRunningAsync(fixture, [.. curve, 12, 14]);
        await (await fixture.Manager.StopAsync()).Exited.WaitAsync(TestTimeouts.Wait);

        // Second start, 122 ms learned: the wait after 58 ms ends where the window [61, 183] ms begins, which is probed every 3 ms:
        // 61, 64, ..., 109, then 112 answers.
        var second = await StartAndTimeRunningAsync(fixture, [.. curve[..11], 3, .. Enumerable.Repeat(3, 17)]);

        Assert.Equal(TimeSpan.FromMilliseconds(122), first);
        Assert.Equal(TimeSpan.FromMilliseconds(112), second);
    }

    [Fact]
    public async Task The_last_probe_outcome_is_published_in_words_when_it_changes()
    {
        // Steps as long as the longest startup wait also count the steady tick's timer as something waiting, so the clock may run
        // ahead of a probe's queued continuation: a far deadline keeps such a run from ending the startup mid-test.
        await using var fixture = new ManagerFixture(o => o.StartupTimeout = TimeSpan.FromMinutes(10));
        fixture.Probe.Answer = HealthProbeResult.Unreachable("connection refused");
        await fixture.Manager.StartAsync();
        await fixture.Recorder.WaitForAsync(e => e.StartupDetail == "connection refused");
        await fixture.Time.AdvanceUntilAsync(() => fixture.Probe.CallCount >= 4, fixture.Options.HealthCheckInterval);

        fixture.Probe.Answer = HealthProbeResult.Unhealthy(503);
        var unhealthy = await AdvanceUntilPublishedAsync(fixture, e => e.StartupDetail == "HTTP 503");
        Assert.Equal(GatewayStatus.Starting, unhealthy.Status);

        fixture.Probe.Answer = HealthProbeResult.Healthy();
        var running = await AdvanceUntilPublishedAsync(fixture, e => e.Status == GatewayStatus.Running);
        Assert.Null(running.StartupDetail);
        Assert.Single(fixture.Recorder.Events, e => e.StartupDetail == "connection refused");
    }

    [Fact]
    public async Task The_deadline_error_names_the_last_probe_outcome()
    {
        await using var fixture = new ManagerFixture(o => o.StartupTimeout = TimeSpan.FromSeconds(1));
        fixture.Probe.Answer = HealthProbeResult.Unhealthy(200, "health check body is not a JSON object");
        await fixture.Manager.StartAsync();

        var error = await AdvanceUntilPublishedAsync(fixture, e => e.Status == GatewayStatus.Error);

        Assert.Equal("the gateway did not become healthy within 1 s", error.LastError);
        Assert.Equal("body is not a JSON object", error.StartupDetail);
    }

    [Fact]
    public async Task An_answer_that_cannot_become_healthy_is_an_error_at_once()
    {
        await using var fixture = new ManagerFixture();
        fixture.Probe.Answer = HealthProbeResult.Unhealthy(200, "health check body is text/plain, not a JSON object") with { CannotBecomeHealthy = true };

        var started = fixture.Time.GetUtcNow();
        await fixture.Manager.StartAsync();

        var error = await fixture.Recorder.WaitForStatusAsync(GatewayStatus.Error);
        Assert.Equal(started, fixture.Time.GetUtcNow());
        Assert.Equal(200, error.HealthStatusCode);
        Assert.Equal("health check body is text/plain, not a JSON object", error.LastError);
        Assert.NotNull(error.ProcessId);
    }

    [Fact]
    public async Task An_exit_while_starting_ends_LastError_with_the_last_stderr_lines()
    {
        await using var fixture = new ManagerFixture();
        await fixture.Manager.StartAsync();
        var process = Assert.Single(fixture.Launcher.Started);
        process.WriteLine(GatewayLogStream.StandardOutput, "booting");
        for (var i = 1; i <= 7; i++)
        {
            process.WriteLine(GatewayLogStream.StandardError, $"error line {i}");
        }

        process.ExitWithCode(1);

        var stopped = await fixture.Recorder.WaitForAsync(e => e.LastExitCode == 1);
        Assert.Equal(["error line 3", "error line 4", "error line 5", "error line 6", "error line 7"], stopped.LastStderr);
        Assert.EndsWith("stderr:\nerror line 3\nerror line 4\nerror line 5\nerror line 6\nerror line 7", stopped.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_requested_stop_carries_no_stderr()
    {
        await using var fixture = new ManagerFixture();
        var process = await fixture.StartRunningAsync();
        process.WriteLine(GatewayLogStream.StandardError, "shutting down");

        await (await fixture.Manager.StopAsync()).Exited;

        var stopped = await fixture.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Stopped && e.LastExitTime is not null);
        Assert.Null(stopped.LastStderr);
        Assert.Null(stopped.LastError);
    }

    [Fact]
    public void The_stderr_tail_keeps_at_most_1_KiB()
    {
        var tail = new Pico.Gateway.Management.Logs.StderrTail();
        tail.Add(new string('a', 600));
        tail.Add(new string('b', 600));
        tail.Add(new string('c', 5000));

        var kept = Assert.Single(tail.Snapshot()!);
        Assert.Equal(1024, kept.Length);
    }

    [Theory]
    [InlineData(HealthProbeOutcome.Unreachable, null, "connection refused", "connection refused")]
    [InlineData(HealthProbeOutcome.Unhealthy, 503, null, "HTTP 503")]
    [InlineData(HealthProbeOutcome.Unhealthy, 200, "health check body is not a JSON object", "body is not a JSON object")]
    [InlineData(HealthProbeOutcome.Unreachable, null, "health check timed out after 2 s", "timed out after 2 s")]
    public void Probe_outcomes_in_words(HealthProbeOutcome outcome, int? statusCode, string? description, string words)
    {
        var result = outcome == HealthProbeOutcome.Unhealthy ? HealthProbeResult.Unhealthy(statusCode!.Value, description) : HealthProbeResult.Unreachable(description!);

        Assert.Equal(words, ReadinessWords.Of(result));
    }

    /// <summary>Starts a gateway that answers healthy from 110 ms on, advancing the clock by each expected wait in turn.</summary>
    private static async Task<TimeSpan> StartAndTimeRunningAsync(ManagerFixture fixture, int[] waitsMs)
    {
        var sequence = fixture.Manager.Current.Sequence;
        fixture.Probe.Answer = HealthProbeResult.Unreachable("connection refused");
        var begun = fixture.Time.GetUtcNow();
        await fixture.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        var elapsed = 0;
        foreach (var wait in waitsMs)
        {
            elapsed += wait;
            if (elapsed >= 110)
            {
                fixture.Probe.Answer = HealthProbeResult.Healthy();
            }

            // Each wait must be the one armed after the probe before it, or this times out.
            await fixture.Time.AdvanceToTimerAsync(TimeSpan.FromMilliseconds(wait)).WaitAsync(TestTimeouts.Wait);
        }

        var running = await fixture.Recorder.WaitForAsync(e => e.Sequence > sequence && e.Status == GatewayStatus.Running);
        return running.Timestamp - begun;
    }

    private static int ProbesUntil(TimeSpan end, GatewayOptions options, TimeSpan? expected)
    {
        var probes = 0;
        for (var elapsed = TimeSpan.Zero; elapsed < end; elapsed += StartupProbeSchedule.NextDelay(elapsed, options, expected))
        {
            probes++;
        }

        return probes;
    }

    private static async Task<GatewayEvent> AdvanceUntilPublishedAsync(ManagerFixture fixture, Func<GatewayEvent, bool> predicate)
    {
        // A step as long as the longest startup wait: each advance reaches the next probe however far the backoff has got.
        await fixture.Time.AdvanceUntilAsync(() => fixture.Recorder.Events.Any(predicate), fixture.Options.HealthCheckInterval);
        return await fixture.Recorder.WaitForAsync(predicate);
    }
}
