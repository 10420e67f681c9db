using System.Net;
using System.Net.Sockets;
using Pico.Gateway.Management.Tests.Testing;

namespace Pico.Gateway.Management.Tests.Containment;

/// <summary>Issue 9, port holders: a gateway whose port a stranger holds is not spawned, and the start says who holds it.</summary>
public sealed class HeldPortStartTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_start_on_a_port_a_stranger_listens_on_fails_at_once_naming_the_holder()
    {
        using var stranger = new TcpListener(IPAddress.Loopback, 0);
        stranger.Start();
        var port = ((IPEndPoint)stranger.LocalEndpoint).Port;
        await using var gateway = new RealGateway("healthy", port: port);

        var start = await gateway.Manager.StartAsync().WaitAsync(Guard);

        Assert.Equal(GatewayStartOutcome.Failed, start.Outcome);
        Assert.StartsWith($"port {port} is already in use by pid {Environment.ProcessId} (", start.Message, StringComparison.Ordinal);
        var error = gateway.Manager.Current;
        Assert.Equal((GatewayStatus.Error, start.Message), (error.Status, error.LastError));
        Assert.Null(error.ProcessId);
    }

    [Fact]
    public async Task A_gateway_that_reports_readiness_otherwise_is_not_refused_for_the_unused_http_port()
    {
        using var stranger = new TcpListener(IPAddress.Loopback, 0);
        stranger.Start();
        var port = ((IPEndPoint)stranger.LocalEndpoint).Port;
        await using var gateway = new RealGateway(
            "notify",
            configure: o =>
            {
                o.HealthCheckUrl = $"http://127.0.0.1:{port}/health";
                o.Readiness.Mode = GatewayReadinessMode.Notify;
                o.Readiness.Liveness = GatewayLivenessMode.None;
            });

        var start = await gateway.Manager.StartAsync().WaitAsync(Guard);

        Assert.Equal(GatewayStartOutcome.Started, start.Outcome);
        await gateway.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Running && e.ProcessId == start.ProcessId).WaitAsync(Guard);
    }

    [Fact]
    public async Task The_snapshot_says_how_the_live_gateway_is_contained()
    {
        await using var gateway = new RealGateway("healthy");

        var start = await gateway.Manager.StartAsync().WaitAsync(Guard);
        var running = await gateway.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Running && e.ProcessId == start.ProcessId).WaitAsync(Guard);
        var stop = await gateway.Manager.StopAsync().WaitAsync(Guard);
        await stop.Exited.WaitAsync(Guard);

        Assert.NotNull(running.ContainmentMode);
        Assert.NotEqual(GatewayContainmentMode.Auto, running.ContainmentMode);
        Assert.Null(gateway.Manager.Current.ContainmentMode);
    }
}
