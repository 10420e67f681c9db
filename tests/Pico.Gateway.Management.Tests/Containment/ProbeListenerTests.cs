using System.Diagnostics;
using System.Globalization;
using Pico.Gateway.Management.Health;
using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Processes.Containment;
using Pico.Gateway.Management.Tests.Testing;
using Xunit.Abstractions;

namespace Pico.Gateway.Management.Tests.Containment;

/// <summary>
/// Issue 9, port holders, the probe side with real processes: a healthy answer counts only when the socket listening on the health
/// port is held by the gateway's own tree. A stranger serving the port never makes the gateway running; a descendant serving it does.
/// </summary>
public sealed class ProbeListenerTests(ITestOutputHelper output)
{
    public static TheoryData<GatewayContainmentMode> Modes() =>
        [GatewayContainmentMode.Cgroup, GatewayContainmentMode.Tracked, GatewayContainmentMode.ProcessGroup];

    [Fact]
    public async Task A_stranger_serving_the_health_port_keeps_the_gateway_starting_and_is_named_then_the_deadline_is_an_error()
    {
        var time = new TrackingTimeProvider();
        await using var gateway = new RealGateway("never-healthy", time: time);
        var strangerMarker = "pico-test-" + Guid.NewGuid().ToString("N");
        Process? stranger = null;
        try
        {
            // Spawned first (the port is free, so the held-port check lets it through), then the stranger takes the port.
            await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
            await gateway.Lines.WaitForPrefixAsync("WAITING");
            stranger = await StartStrangerAsync(gateway.Port, strangerMarker);
            var expected = $"port {gateway.Port} is served by another process (pid {stranger.Id}: {TestChild.ExecutablePath} healthy --port {gateway.Port}), not the gateway";

            await time.AdvanceUntilAsync(() => gateway.Manager.Current.StartupDetail == expected, gateway.Options.StartupProbeInterval);
            Assert.Equal(GatewayStatus.Starting, gateway.Manager.Current.Status);

            time.Advance(gateway.Options.StartupTimeout);
            var error = await gateway.Recorder.WaitForStatusAsync(GatewayStatus.Error);
            Assert.Equal("the gateway did not become healthy within 15 s", error.LastError);
            Assert.Equal(expected, error.StartupDetail);
            Assert.DoesNotContain(GatewayStatus.Running, gateway.Recorder.Statuses);
        }
        finally
        {
            if (stranger is not null)
            {
                stranger.Kill();
                await stranger.WaitForExitAsync().WaitAsync(TestTimeouts.Wait);
                stranger.Dispose();
            }

            TestCleanup.KillMarked(strangerMarker);
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_gateway_that_listens_itself_becomes_running(GatewayContainmentMode mode)
    {
        if (ContainmentMachine.Skips(mode, output))
        {
            return;
        }

        await using var gateway = new RealGateway("healthy", launcher: ContainmentMachine.Launcher(mode));

        var started = await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        var running = await gateway.Recorder.WaitForStatusAsync(GatewayStatus.Running);

        Assert.Equal((started.ProcessId, mode), (running.ProcessId, running.ContainmentMode));
        Assert.Equal(started.ProcessId, PortOwnerLookup.FindListener(new Uri(gateway.Options.HealthCheckUrl))?.ProcessId);
        if (mode == GatewayContainmentMode.Cgroup)
        {
            // The shortcut the check takes in cgroup containment: the socket says it was made in the run's cgroup.
            var socket = Assert.Single(PortOwnerLookup.FindListeningSockets(new Uri(gateway.Options.HealthCheckUrl)));
            Assert.Equal(CgroupDirectory.IdOf(ContainmentMachine.CgroupDirectoryOf(started.ProcessId!.Value)), socket.CgroupId);
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_gateway_whose_grandchild_serves_the_port_becomes_running(GatewayContainmentMode mode)
    {
        if (ContainmentMachine.Skips(mode, output))
        {
            return;
        }

        // sh forks a subshell, which forks the server: the listener is the gateway's grandchild, not the gateway.
        await using var gateway = new RealGateway(
            "-c",
            ["( \"$0\" healthy --port \"$1\" & wait ) & wait", TestChild.ExecutablePath],
            configure: o => o.ExecutablePath = "/bin/sh",
            launcher: ContainmentMachine.Launcher(mode));
        gateway.Options.Arguments.Add(gateway.Port.ToString(CultureInfo.InvariantCulture));

        var started = await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        var running = await gateway.Recorder.WaitForStatusAsync(GatewayStatus.Running);

        var listener = PortOwnerLookup.FindListener(new Uri(gateway.Options.HealthCheckUrl));
        Assert.NotNull(listener?.ProcessId);
        Assert.NotEqual(started.ProcessId, listener.ProcessId);
        Assert.True(ProcStat.DescendsFrom(listener.ProcessId.Value, started.ProcessId!.Value), $"pid {listener.ProcessId} is not the gateway's descendant");
        Assert.Equal(started.ProcessId, running.ProcessId);
    }

    [Fact]
    public async Task The_http_probe_says_which_address_answered_healthy_so_a_probe_wrapping_it_is_checked_too()
    {
        var port = FreePort.Next();
        var marker = "pico-test-" + Guid.NewGuid().ToString("N");
        using var server = await StartStrangerAsync(port, marker);
        try
        {
            using var probe = new HttpHealthProbe();
            var asked = new Uri($"http://127.0.0.1:{port}/health");

            // As the sample host's probe does: the configured address replaced by another before the built-in probe runs.
            var context = new HealthProbeContext(new Uri("http://127.0.0.1:1/health"), 1, GatewayStatus.Starting) with { HealthCheckUrl = asked };
            var healthy = await probe.ProbeAsync(context, CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Wait);
            var refused = await probe.ProbeAsync(context with { HealthCheckUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}/health") }, CancellationToken.None)
                .AsTask().WaitAsync(TestTimeouts.Wait);

            Assert.Equal((HealthProbeOutcome.Healthy, asked), (healthy.Outcome, healthy.AnsweredUrl));
            Assert.Null(refused.AnsweredUrl);
        }
        finally
        {
            server.Kill();
            await server.WaitForExitAsync().WaitAsync(TestTimeouts.Wait);
            TestCleanup.KillMarked(marker);
        }
    }

    private static async Task<Process> StartStrangerAsync(int port, string marker)
    {
        var startInfo = new ProcessStartInfo(TestChild.ExecutablePath)
        {
            ArgumentList = { "healthy", "--port", port.ToString(CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            UseShellExecute = false,
            Environment = { ["PICO_GATEWAY_TEST_MARKER"] = marker },
        };
        var stranger = Process.Start(startInfo)!;
        while (await stranger.StandardOutput.ReadLineAsync().WaitAsync(TestTimeouts.Wait) is { } line)
        {
            if (line.StartsWith("READY ", StringComparison.Ordinal))
            {
                return stranger;
            }
        }

        throw new InvalidOperationException($"the stranger exited before it listened on {port}");
    }
}
