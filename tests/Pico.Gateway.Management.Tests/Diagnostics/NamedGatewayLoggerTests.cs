using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Pico.Gateway.Management.Tests.Testing;

namespace Pico.Gateway.Management.Tests.Diagnostics;

/// <summary>With two gateways in one host, the manager's own log lines say which gateway they are about.</summary>
public sealed class NamedGatewayLoggerTests
{
    [Fact]
    public async Task A_named_gateways_manager_logs_inside_a_scope_with_its_name()
    {
        var collector = new FakeLogCollector();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(new FakeLoggerProvider(collector)));
        services.AddSingleton<Pico.Gateway.Management.Processes.IGatewayProcessLauncher>(new FakeProcessLauncher());
        services.AddSingleton<TimeProvider>(new TrackingTimeProvider());
        services.AddGatewayManagement("alpha", o => o.ExecutablePath = "/opt/gateway/picoclaw");
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredKeyedService<IGatewayManager>("alpha").StartAsync().WaitAsync(TimeSpan.FromSeconds(30));

        var started = Assert.Single(collector.GetSnapshot(), r => r.Id.Name == "GatewayStarted");
        Assert.Contains(started.Scopes, scope => scope is IEnumerable<KeyValuePair<string, object?>> pairs && pairs.Contains(new("GatewayName", "alpha")));
    }
}
