using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace Pico.Gateway.Management.Tests.DependencyInjection;

/// <summary>A reloaded configuration reaches the options the manager reads at each spawn; an invalid reload is ignored, loudly.</summary>
public sealed class ConfigurationReloadTests
{
    [Fact]
    public void A_valid_reload_reaches_the_options_monitor()
    {
        var (configuration, provider, _) = Build();
        using (provider)
        {
            var monitor = provider.GetRequiredService<IOptionsMonitor<GatewayOptions>>();
            Assert.Equal("/opt/gateway/one", monitor.CurrentValue.ExecutablePath);

            configuration["Gateway:ExecutablePath"] = "/opt/gateway/two";
            configuration.Reload();

            Assert.Equal("/opt/gateway/two", monitor.CurrentValue.ExecutablePath);
        }
    }

    [Fact]
    public void An_invalid_reload_neither_throws_nor_replaces_the_options_in_force()
    {
        var (configuration, provider, logs) = Build();
        using (provider)
        {
            var monitor = provider.GetRequiredService<IOptionsMonitor<GatewayOptions>>();
            Assert.Equal("/opt/gateway/one", monitor.CurrentValue.ExecutablePath);

            configuration["Gateway:ExecutablePath"] = "/opt/gateway/two";
            configuration["Gateway:StopTimeout"] = "soon";
            configuration.Reload();

            Assert.Equal("/opt/gateway/one", monitor.CurrentValue.ExecutablePath);
            var logged = Assert.Single(logs.GetSnapshot(), r => r.Id.Name == "ReloadedOptionsInvalid");
            Assert.Contains("Gateway:StopTimeout", logged.Message, StringComparison.Ordinal);
        }
    }

    private static (IConfigurationRoot Configuration, ServiceProvider Provider, FakeLogCollector Logs) Build()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:ExecutablePath"] = "/opt/gateway/one" })
            .Build();
        var logs = new FakeLogCollector();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.AddProvider(new FakeLoggerProvider(logs)));
        services.AddGatewayManagement();
        return (configuration, services.BuildServiceProvider(), logs);
    }
}
