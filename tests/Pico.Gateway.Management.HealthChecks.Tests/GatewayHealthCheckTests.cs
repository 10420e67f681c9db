using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Pico.Gateway.Management.HealthChecks.Tests;

public sealed class GatewayHealthCheckTests
{
    [Theory]
    [InlineData(GatewayStatus.Running, null, HealthStatus.Healthy, "running")]
    [InlineData(GatewayStatus.Starting, null, HealthStatus.Degraded, "starting")]
    [InlineData(GatewayStatus.Restarting, null, HealthStatus.Degraded, "restarting")]
    [InlineData(GatewayStatus.Restarting, "the gateway exited with code 1 unexpectedly", HealthStatus.Degraded, "restarting: the gateway exited with code 1 unexpectedly")]
    [InlineData(GatewayStatus.Stopping, null, HealthStatus.Degraded, "stopping")]
    [InlineData(GatewayStatus.Stopped, null, HealthStatus.Degraded, "stopped")]
    [InlineData(GatewayStatus.Stopped, "the gateway exited with code 3 unexpectedly", HealthStatus.Unhealthy, "stopped: the gateway exited with code 3 unexpectedly")]
    [InlineData(GatewayStatus.Error, "crash loop: 5 exits in 1 min", HealthStatus.Unhealthy, "error: crash loop: 5 exits in 1 min")]
    public async Task Each_gateway_state_maps_to_its_documented_health(GatewayStatus status, string? lastError, HealthStatus expected, string description)
    {
        var manager = new StubGatewayManager().With(status, lastError: lastError);

        var result = await CheckAsync(manager);

        Assert.Equal((expected, description), (result.Status, result.Description));
    }

    [Fact]
    public async Task The_data_carries_status_pid_and_last_error()
    {
        var running = await CheckAsync(new StubGatewayManager().With(GatewayStatus.Running, pid: 4242));
        var failed = await CheckAsync(new StubGatewayManager().With(GatewayStatus.Error, lastError: "health check answered 503"));

        Assert.Equal(new Dictionary<string, object> { ["status"] = "running", ["pid"] = 4242 }, running.Data);
        Assert.Equal(new Dictionary<string, object> { ["status"] = "error", ["last_error"] = "health check answered 503" }, failed.Data);
    }

    [Fact]
    public async Task The_registration_failure_status_replaces_unhealthy()
    {
        var manager = new StubGatewayManager().With(GatewayStatus.Error, lastError: "boom");

        var result = await CheckAsync(manager, HealthStatus.Degraded);

        Assert.Equal(HealthStatus.Degraded, result.Status);
    }

    [Fact]
    public async Task The_check_follows_the_current_snapshot()
    {
        var manager = new StubGatewayManager().With(GatewayStatus.Starting, pid: 7);
        Assert.Equal(HealthStatus.Degraded, (await CheckAsync(manager)).Status);

        manager.With(GatewayStatus.Running, pid: 7);

        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(manager)).Status);
    }

    [Fact]
    public async Task AddGatewayHealthCheck_registers_a_check_named_gateway_with_its_tags()
    {
        var manager = new StubGatewayManager().With(GatewayStatus.Running, pid: 1);
        var services = new ServiceCollection().AddLogging().AddSingleton<IGatewayManager>(manager);
        services.AddHealthChecks().AddGatewayHealthCheck(tags: ["ready"]);
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync().WaitAsync(TestTimeouts.Wait);

        var entry = Assert.Single(report.Entries);
        Assert.Equal("gateway", entry.Key);
        Assert.Equal(HealthStatus.Healthy, entry.Value.Status);
        Assert.Equal(["ready"], entry.Value.Tags);
    }

    [Fact]
    public async Task A_named_gateway_is_resolved_by_its_key()
    {
        var unnamed = new StubGatewayManager().With(GatewayStatus.Running);
        var eu = new StubGatewayManager().With(GatewayStatus.Error, lastError: "spawn failed");
        var services = new ServiceCollection().AddLogging()
            .AddSingleton<IGatewayManager>(unnamed)
            .AddKeyedSingleton<IGatewayManager>("eu", eu);
        services.AddHealthChecks().AddGatewayHealthCheck().AddGatewayHealthCheck("gateway-eu", gatewayName: "eu");
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync().WaitAsync(TestTimeouts.Wait);

        Assert.Equal(HealthStatus.Healthy, report.Entries["gateway"].Status);
        Assert.Equal(HealthStatus.Unhealthy, report.Entries["gateway-eu"].Status);
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
    }

    [Fact]
    public async Task It_works_with_the_real_manager_registration()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddGatewayManagement(o => o.ExecutablePath = "/nonexistent/gateway");
        services.AddHealthChecks().AddGatewayHealthCheck();
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync().WaitAsync(TestTimeouts.Wait);

        // Never started: stopped on purpose, so degraded (200 from MapHealthChecks), not a reason to restart the host.
        Assert.Equal(HealthStatus.Degraded, report.Entries["gateway"].Status);
        Assert.Equal("stopped", report.Entries["gateway"].Data["status"]);
    }

    private static Task<HealthCheckResult> CheckAsync(IGatewayManager manager, HealthStatus? failureStatus = null)
    {
        var check = new GatewayHealthCheck(manager);
        var registration = new HealthCheckRegistration("gateway", check, failureStatus, tags: null);
        return check.CheckHealthAsync(new HealthCheckContext { Registration = registration }).WaitAsync(TestTimeouts.Wait);
    }
}
