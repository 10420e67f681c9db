using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Picoclaw;

public sealed class GatewayOptionsDefaultsTests
{
    [Fact]
    public async Task Unconfigured_options_come_from_picoclaw()
    {
        await using var host = await TestHost.StartAsync(settings => settings.UseDefaultGatewayLookup());

        var options = host.App.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;

        Assert.Equal(GatewayPrograms.DemoGateway, options.ExecutablePath);
        Assert.Equal(["gateway"], options.Arguments);
        Assert.Equal(host.Workspace.ConfigPath, options.Environment["PICOCLAW_CONFIG"]);
        Assert.Equal($"http://127.0.0.1:{host.Workspace.GatewayPort}/health", options.HealthCheckUrl);
        Assert.True(options.StrictHealthCheck);
    }

    [Fact]
    public async Task Gateway_StrictHealthCheck_false_turns_picoclaws_rule_off()
    {
        await using var host = await TestHost.StartAsync(settings => settings.Set("Gateway:StrictHealthCheck", "false"));

        var options = host.App.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;

        Assert.False(options.StrictHealthCheck);
    }

    [Fact]
    public async Task Gateway_settings_override_every_picoclaw_default()
    {
        await using var host = await TestHost.StartAsync(settings => settings
            .UseExecutable("/opt/picoclaw/bin/picoclaw", "gateway", "--verbose")
            .Set("Gateway:HealthCheckUrl", "http://127.0.0.1:1/healthz")
            .Set("Gateway:Environment:PICOCLAW_CONFIG", "/elsewhere/config.json")
            .Set("Gateway:StartupTimeout", "00:00:03"));

        var options = host.App.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;

        Assert.Equal("/opt/picoclaw/bin/picoclaw", options.ExecutablePath);
        Assert.Equal(["gateway", "--verbose"], options.Arguments);
        Assert.Equal("http://127.0.0.1:1/healthz", options.HealthCheckUrl);
        Assert.Equal("/elsewhere/config.json", options.Environment["PICOCLAW_CONFIG"]);
        Assert.Equal(TimeSpan.FromSeconds(3), options.StartupTimeout);
    }

    [Fact]
    public async Task A_configured_executable_without_arguments_gets_the_gateway_argument()
    {
        await using var host = await TestHost.StartAsync(settings => settings.UseExecutable("/usr/local/bin/picoclaw"));

        var options = host.App.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;

        Assert.Equal(["gateway"], options.Arguments);
    }

    [Fact]
    public async Task Auto_start_runs_the_bundled_demo_gateway_found_by_the_default_lookup()
    {
        await using var host = await TestHost.StartAsync(settings => settings.UseDefaultGatewayLookup().Set("Gateway:AutoStart", "true"));

        var running = await host.WaitForStatusAsync(GatewayStatus.Running);
        var status = await host.GetJsonAsync("/api/gateway/status");

        Assert.Equal(running.ProcessId, status.GetProperty("pid").GetInt32());
        Assert.Equal("demo", status.GetProperty("version").GetString());
    }

    [Fact]
    public async Task The_health_check_follows_a_port_changed_in_the_config_on_the_next_start()
    {
        await using var host = await TestHost.StartAsync();
        var firstPid = await host.StartRunningAsync();
        using (var stop = await host.PostAsync("/api/gateway/stop"))
        {
            await host.WaitForStatusAsync(GatewayStatus.Stopped);
        }

        var newPort = FreePort.Next();
        host.Workspace.WriteConfig(PicoclawConfigs.Valid(newPort));
        var secondPid = await host.StartRunningAsync();

        // The demo gateway puts its own pid in its health body: the healthy answer came from the new process on the new port.
        Assert.NotEqual(firstPid, secondPid);
        Assert.Equal(secondPid, host.Manager.Current.HealthDetails!["pid"].GetInt32());
        Assert.Equal($"http://127.0.0.1:{host.Workspace.GatewayPort}/health", host.App.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.HealthCheckUrl);
    }
}
