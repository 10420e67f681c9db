using Pico.Gateway.Management.Tests.Testing;

namespace Pico.Gateway.Management.Tests.Integration;

/// <summary>The manager against real child processes, real pipes, real signals and real HTTP on loopback.</summary>
public sealed class RealProcessTests
{
    [Fact]
    public async Task A_healthy_gateway_runs_and_stops_gracefully()
    {
        await using var gateway = new RealGateway("healthy");

        var started = await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        var running = await gateway.Recorder.WaitForStatusAsync(GatewayStatus.Running);

        Assert.Equal(started.ProcessId, running.ProcessId);
        Assert.Equal("ok", running.HealthDetails!["status"].GetString());
        Assert.True(ProcessTable.IsAlive(started.ProcessId!.Value));
        await gateway.Lines.WaitForPrefixAsync("READY");

        var stop = await gateway.Manager.StopAsync().WaitAsync(TestTimeouts.Wait);
        await stop.Exited.WaitAsync(TestTimeouts.Wait);

        var stopped = gateway.Manager.Current;
        Assert.Equal(GatewayStatus.Stopped, stopped.Status);
        Assert.Equal(0, stopped.LastExitCode);
        Assert.Null(stopped.LastError);
        Assert.False(ProcessTable.IsAlive(started.ProcessId.Value));
    }

    [Fact]
    public async Task A_gateway_that_ignores_sigterm_is_killed_after_the_stop_timeout()
    {
        var time = new TrackingTimeProvider();
        await using var gateway = new RealGateway("ignore-term", time: time);
        await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        await gateway.Lines.WaitForPrefixAsync("READY");

        var stop = await gateway.Manager.StopAsync().WaitAsync(TestTimeouts.Wait);
        await gateway.Lines.WaitForPrefixAsync("IGNORED SIGTERM");
        Assert.False(stop.Exited.IsCompleted);
        Assert.Equal(GatewayStatus.Stopping, gateway.Manager.Current.Status);
        await time.AdvanceToTimerAsync(gateway.Options.StopTimeout);
        await stop.Exited.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(GatewayStatus.Stopped, gateway.Manager.Current.Status);
        Assert.Equal(9, gateway.Manager.Current.LastExitSignal);
    }

    [Fact]
    public async Task The_gateways_own_children_do_not_outlive_it()
    {
        await using var gateway = new RealGateway("grandchild");
        await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        var grandchildLine = await gateway.Lines.WaitForPrefixAsync("GRANDCHILD ");
        var grandchild = int.Parse(grandchildLine["GRANDCHILD ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        await gateway.Lines.WaitForPrefixAsync("READY");
        Assert.True(ProcessTable.IsAlive(grandchild));

        var stop = await gateway.Manager.StopAsync().WaitAsync(TestTimeouts.Wait);
        await stop.Exited.WaitAsync(TestTimeouts.Wait);

        Assert.False(ProcessTable.IsAlive(grandchild));
    }

    [Fact]
    public async Task The_grandchild_is_killed_when_the_gateway_crashes_on_its_own()
    {
        await using var gateway = new RealGateway("grandchild");
        var started = await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        var grandchildLine = await gateway.Lines.WaitForPrefixAsync("GRANDCHILD ");
        var grandchild = int.Parse(grandchildLine["GRANDCHILD ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        await gateway.Lines.WaitForPrefixAsync("READY");

        // SIGKILL of the gateway alone (not its group): a crash, as far as the manager knows.
        Assert.Equal(0, Pico.Gateway.Management.Processes.LibC.kill(started.ProcessId!.Value, 9));
        var stopped = await gateway.Recorder.WaitForStatusAsync(GatewayStatus.Stopped, occurrence: 2);

        Assert.Equal(9, stopped.LastExitSignal);
        Assert.Equal("the gateway terminated by signal 9 (SIGKILL) unexpectedly", stopped.LastError);
        Assert.False(ProcessTable.IsAlive(grandchild));
    }

    [Fact]
    public async Task A_5_mb_line_is_cut_and_marked_and_the_lines_after_it_are_kept()
    {
        await using var gateway = new RealGateway("long-line", ["--bytes", "5000000", "--then", "3"]);

        await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        await gateway.Recorder.WaitForStatusAsync(GatewayStatus.Stopped, occurrence: 2);

        var lines = gateway.Logs.Read(0, -1).Lines.Select(l => l.Text).ToList();
        Assert.Equal(4, lines.Count);
        Assert.Equal(
            new string('x', gateway.Options.MaxLineLength) + GatewayLogLine.TruncationMarker + (5_000_000 - gateway.Options.MaxLineLength) + " characters]",
            lines[0]);
        Assert.Equal(["line 1", "line 2", "line 3"], lines[1..]);
        Assert.Equal(0, gateway.Manager.Current.LastExitCode);
    }

    [Fact]
    public async Task A_million_lines_written_fast_are_all_counted()
    {
        await using var gateway = new RealGateway("flood", ["--lines", "1000000", "--stderr-lines", "1000"]);

        await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        await gateway.Recorder.WaitForStatusAsync(GatewayStatus.Stopped, occurrence: 2);

        Assert.Equal(1_001_000, gateway.Logs.Total);
        Assert.Equal(gateway.Options.LogCapacity, gateway.Logs.Read(0, -1).Lines.Count);
        Assert.Equal("line 1000000", gateway.Lines.LastOf(GatewayLogStream.StandardOutput));
        Assert.Equal("stderr line 1000", gateway.Lines.LastOf(GatewayLogStream.StandardError));
        Assert.Equal(0, gateway.Manager.Current.LastExitCode);
    }

    [Fact]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    public async Task Stopped_is_published_only_after_every_line_reached_the_sinks_even_behind_a_slow_sink()
    {
        // 100,000 lines at 15 µs each keep the splitter busy for 1.5 s after the child has exited and its pipes have closed.
        var slow = new SlowSink(TimeSpan.FromTicks(TimeSpan.TicksPerMillisecond * 15 / 1000));
        await using var gateway = new RealGateway("flood", ["--lines", "100000"], sinks: [slow]);

        await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        await gateway.Recorder.WaitForStatusAsync(GatewayStatus.Stopped, occurrence: 2);

        Assert.Equal(100_000, gateway.Logs.Total);
        Assert.Equal(100_000, slow.Count);
    }

    [Fact]
    public async Task A_gateway_that_exits_at_once_is_published_as_stopped_with_its_exit_code()
    {
        await using var gateway = new RealGateway("exit", ["--code", "3"]);

        var started = await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        var stopped = await gateway.Recorder.WaitForStatusAsync(GatewayStatus.Stopped, occurrence: 2);

        Assert.Equal(GatewayStartOutcome.Started, started.Outcome);
        Assert.Equal(3, stopped.LastExitCode);
        Assert.Equal("the gateway exited with code 3 unexpectedly", stopped.LastError);
        Assert.Equal("EXITING 3", Assert.Single(gateway.Logs.Read(0, -1).Lines).Text);
    }

    [Fact]
    public async Task A_gateway_that_never_becomes_healthy_is_in_error_after_the_startup_timeout()
    {
        var time = new TrackingTimeProvider();
        await using var gateway = new RealGateway("never-healthy", time: time);

        await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        await gateway.Lines.WaitForPrefixAsync("WAITING");
        time.Advance(gateway.Options.StartupTimeout);

        var error = await gateway.Recorder.WaitForStatusAsync(GatewayStatus.Error);
        Assert.Equal("the gateway did not become healthy within 15 s", error.LastError);
        Assert.NotNull(error.ProcessId);
    }

    [Fact]
    public async Task A_missing_executable_is_an_error_with_the_reason()
    {
        await using var gateway = new RealGateway("healthy", configure: o => o.ExecutablePath = "/nonexistent/picoclaw");

        var result = await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);

        Assert.Equal(GatewayStartOutcome.Failed, result.Outcome);
        Assert.Equal("could not start '/nonexistent/picoclaw': No such file or directory", result.Message);
        Assert.Equal(GatewayStatus.Error, gateway.Manager.Current.Status);
    }

    [Fact]
    public async Task Bytes_that_are_not_utf8_are_replaced_and_capture_goes_on()
    {
        await using var gateway = new RealGateway("invalid-utf8");

        await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        await gateway.Recorder.WaitForStatusAsync(GatewayStatus.Stopped, occurrence: 2);

        Assert.Equal(["fo\uFFFD\uFFFDo", "after"], gateway.Logs.Read(0, -1).Lines.Select(l => l.Text));
    }

    [Fact]
    public async Task Restart_replaces_a_real_gateway_with_a_new_healthy_one()
    {
        await using var gateway = new RealGateway("healthy");
        var first = await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        await gateway.Recorder.WaitForStatusAsync(GatewayStatus.Running);

        var second = await gateway.Manager.RestartAsync().WaitAsync(TestTimeouts.Wait);
        await gateway.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Running && e.ProcessId == second.ProcessId);

        Assert.NotEqual(first.ProcessId, second.ProcessId);
        Assert.False(ProcessTable.IsAlive(first.ProcessId!.Value));
        Assert.Equal(2, gateway.Logs.RunId);
    }

    [Fact]
    public async Task The_environment_and_working_directory_reach_the_gateway()
    {
        var directory = Directory.CreateTempSubdirectory("pico-cwd-");
        try
        {
            await using var gateway = new RealGateway("healthy", configure: o => o.WorkingDirectory = directory.FullName);
            var started = await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
            await gateway.Lines.WaitForPrefixAsync("READY");

            var environ = await File.ReadAllTextAsync($"/proc/{started.ProcessId}/environ");
            var cwd = new DirectoryInfo($"/proc/{started.ProcessId}/cwd").ResolveLinkTarget(returnFinalTarget: false)!.FullName;
            Assert.Contains("PICO_GATEWAY_TEST_MARKER=" + gateway.Marker, environ, StringComparison.Ordinal);
            Assert.Contains("PATH=", environ, StringComparison.Ordinal);
            Assert.Equal(directory.FullName, cwd);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private sealed class SlowSink(TimeSpan perLine) : ILogSink
    {
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        public void Write(in GatewayLogLine line)
        {
            // Busy, not asleep: a sink that does real work per line, which a test must not confuse with waiting.
            var until = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(perLine.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
            while (System.Diagnostics.Stopwatch.GetTimestamp() < until)
            {
            }

            Interlocked.Increment(ref _count);
        }
    }
}
