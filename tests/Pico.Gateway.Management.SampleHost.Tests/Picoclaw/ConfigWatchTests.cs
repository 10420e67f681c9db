using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Picoclaw;

/// <summary>
/// The host sees a config change through the file watcher, not the tick: every host here ticks once an hour, so an event
/// within the test's guard can only come from the watcher.
/// </summary>
public sealed class ConfigWatchTests
{
    private const string HourlyTick = "01:00:00";

    [Fact]
    public async Task A_config_renamed_over_the_old_one_blocks_start_at_once()
    {
        await using var host = await StartHostAsync();
        await host.WaitForAsync(e => e.StartAllowed);

        host.Workspace.WriteConfig(PicoclawConfigs.WithGateway(host.Workspace.GatewayPort, string.Empty));

        var blocked = await host.WaitForAsync(e => !e.StartAllowed);
        Assert.Equal("no default model configured", blocked.StartBlockedReason);
    }

    [Fact]
    public async Task A_config_rewritten_in_place_allows_start_at_once()
    {
        await using var host = await StartHostAsync(settings => settings.Workspace.WriteConfig("{ not json"));
        await host.WaitForAsync(e => !e.StartAllowed);

        await File.WriteAllTextAsync(host.Workspace.ConfigPath, PicoclawConfigs.Valid(host.Workspace.GatewayPort));

        await host.WaitForAsync(e => e.StartAllowed);
    }

    [Fact]
    public async Task A_new_api_key_for_the_default_model_flags_restart_required_at_once_and_the_old_one_clears_it()
    {
        await using var host = await StartHostAsync();
        await host.StartRunningAsync();
        var original = await File.ReadAllTextAsync(host.Workspace.ConfigPath);

        host.Workspace.WriteConfig(original.Replace("key-demo", "key-rotated", StringComparison.Ordinal));
        var flagged = await host.WaitForAsync(e => e.RestartRequired);
        Assert.DoesNotContain("key-rotated", flagged.CurrentFingerprint, StringComparison.Ordinal);

        host.Workspace.WriteConfig(original);
        await host.WaitForAsync(e => !e.RestartRequired);
    }

    [Fact]
    public async Task A_new_gateway_port_flags_restart_required_at_once()
    {
        await using var host = await StartHostAsync();
        await host.StartRunningAsync();

        host.Workspace.WriteConfig(PicoclawConfigs.Valid(FreePort.Next()));

        await host.WaitForAsync(e => e.RestartRequired);
    }

    private static Task<TestHost> StartHostAsync(Action<TestHostSettings>? configure = null) =>
        TestHost.StartAsync(settings =>
        {
            settings.Set("Gateway:HealthCheckInterval", HourlyTick);
            configure?.Invoke(settings);
        });
}
