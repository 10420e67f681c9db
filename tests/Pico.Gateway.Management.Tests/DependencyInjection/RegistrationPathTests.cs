using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pico.Gateway.Management.Health;
using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Tests.Testing;

namespace Pico.Gateway.Management.Tests.DependencyInjection;

/// <summary>The unnamed gateway is the named path with <see cref="Options.DefaultName"/> and a null service key, nothing more.</summary>
public sealed class RegistrationPathTests
{
    [Fact]
    public void The_unnamed_and_a_named_gateway_register_the_same_services_differing_only_in_key()
    {
        var unnamed = new ServiceCollection();
        unnamed.AddGatewayManagement();
        var named = new ServiceCollection();
        named.AddGatewayManagement("alpha");

        Assert.All(unnamed, descriptor => Assert.False(descriptor.IsKeyedService, descriptor.ToString()));
        Assert.All(named.Where(descriptor => descriptor.IsKeyedService), descriptor => Assert.Equal("alpha", descriptor.ServiceKey));
        Assert.Equal(Shape(unnamed), Shape(named));
    }

    [Fact]
    public async Task The_unnamed_and_named_gateways_resolve_distinct_managers_each_with_its_own_options_and_parts()
    {
        var launcher = new FakeProcessLauncher();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Gateway:ExecutablePath"] = "unnamed-gw",
                ["Gateway:LogCapacity"] = "11",
                ["Gateways:alpha:ExecutablePath"] = "alpha-gw",
                ["Gateways:alpha:LogCapacity"] = "7",
            }).Build())
            .AddSingleton<IGatewayProcessLauncher>(launcher)
            .AddSingleton<TimeProvider>(new TrackingTimeProvider());
        services.AddGatewayManagement().UseHealthProbe<FakeHealthProbe>();
        services.AddGatewayManagement("alpha").AddStartCondition(new FakeStartCondition { NotReadyReason = "alpha waits" });
        await using var provider = services.BuildServiceProvider();

        var unnamed = provider.GetRequiredService<IGatewayManager>();
        var alpha = provider.GetRequiredKeyedService<IGatewayManager>("alpha");

        Assert.NotSame(unnamed, alpha);
        Assert.Equal((11, 7), (unnamed.Logs.Capacity, alpha.Logs.Capacity));
        Assert.IsType<FakeHealthProbe>(provider.GetRequiredService<IHealthProbe>());
        Assert.IsType<HttpHealthProbe>(provider.GetRequiredKeyedService<IHealthProbe>("alpha"));
        Assert.Equal(GatewayStartResult.PreconditionFailed("alpha waits"), await alpha.StartAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(GatewayStartOutcome.Started, (await unnamed.StartAsync().WaitAsync(TimeSpan.FromSeconds(30))).Outcome);
        Assert.Equal("unnamed-gw", Assert.Single(launcher.Started).StartInfo.ExecutablePath);
    }

    /// <summary>Each registration as (service type, lifetime), in order: what is registered, not under which key.</summary>
    private static List<string> Shape(IServiceCollection services) =>
        [.. services.Select(descriptor => $"{descriptor.ServiceType.Name} {descriptor.Lifetime}")];
}
