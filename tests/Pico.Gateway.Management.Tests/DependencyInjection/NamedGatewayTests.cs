using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Tests.Testing;

namespace Pico.Gateway.Management.Tests.DependencyInjection;

public sealed class NamedGatewayTests
{
    [Fact]
    public async Task Named_gateways_have_their_own_options_logs_events_and_parts()
    {
        var launcher = new FakeProcessLauncher();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:ExecutablePath"] = "default-gw",
            ["Gateways:alpha:ExecutablePath"] = "alpha-gw",
            ["Gateways:alpha:LogCapacity"] = "7",
            ["Gateways:beta:ExecutablePath"] = "beta-gw",
        }).Build());
        services.AddSingleton<IGatewayProcessLauncher>(launcher);
        services.AddSingleton<TimeProvider>(new TrackingTimeProvider());
        services.AddGatewayManagement();
        services.AddGatewayManagement("alpha").UseHealthProbe<AlwaysHealthy>();
        services.AddGatewayManagement("beta", o => o.Arguments.Add("--beta")).AddStartCondition(new FakeStartCondition { NotReadyReason = "beta is blocked" });
        await using var provider = services.BuildServiceProvider();

        var unnamed = provider.GetRequiredService<IGatewayManager>();
        var alpha = provider.GetRequiredKeyedService<IGatewayManager>("alpha");
        var beta = provider.GetRequiredKeyedService<IGatewayManager>("beta");
        Assert.Equal(3, new HashSet<IGatewayManager>([unnamed, alpha, beta]).Count);
        Assert.IsType<AlwaysHealthy>(provider.GetRequiredKeyedService<IHealthProbe>("alpha"));
        Assert.Equal(7, alpha.Logs.Capacity);
        Assert.NotSame(alpha.Logs, unnamed.Logs);

        await alpha.StartAsync().WaitAsync(TestTimeouts.Wait);
        await alpha.WaitForStatusAsync(GatewayStatus.Running).WaitAsync(TimeSpan.FromSeconds(15));
        var blocked = await beta.StartAsync().WaitAsync(TestTimeouts.Wait);

        Assert.Equal("alpha-gw", Assert.Single(launcher.Started).StartInfo.ExecutablePath);
        Assert.Equal(GatewayStartResult.PreconditionFailed("beta is blocked"), blocked);
        Assert.Equal(GatewayStatus.Stopped, unnamed.Current.Status);
        Assert.Equal(["--beta"], provider.GetRequiredService<IOptionsMonitor<GatewayOptions>>().Get("beta").Arguments);
        Assert.Equal(3, provider.GetServices<IHostedService>().Count());
    }

    [Fact]
    public void Adding_the_same_name_twice_registers_it_once()
    {
        var services = new ServiceCollection();

        services.AddGatewayManagement("alpha", o => o.ExecutablePath = "a");
        var count = services.Count;
        services.AddGatewayManagement("alpha", o => o.LogCapacity = 3);

        Assert.Equal(count + 1, services.Count);
        Assert.Single(services, d => d.ServiceType == typeof(IGatewayManager) && Equals(d.ServiceKey, "alpha"));
        Assert.Equal(3, services.BuildServiceProvider().GetRequiredService<IOptionsMonitor<GatewayOptions>>().Get("alpha").LogCapacity);
    }

    [Fact]
    public async Task A_named_gateway_with_invalid_options_fails_the_host_start_naming_its_section()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Gateways:alpha:StopTimeout"] = "later" });
        builder.Services.AddGatewayManagement("alpha");
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Gateways:alpha:ExecutablePath is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("Gateways:alpha:StopTimeout is not a duration: 'later'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void A_name_must_not_be_blank(string name)
    {
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddGatewayManagement(name));
    }

    [Fact]
    public async Task A_locator_is_registered_per_gateway_and_its_find_is_external_from_supervision_start()
    {
        var launcher = new FakeProcessLauncher();
        var services = new ServiceCollection();
        services.AddSingleton<IGatewayProcessLauncher>(launcher);
        services.AddSingleton<TimeProvider>(new TrackingTimeProvider());
        services.AddGatewayManagement(o => o.ExecutablePath = "default-gw");
        services.AddGatewayManagement("alpha", o => o.ExecutablePath = "alpha-gw").UseGatewayLocator<FindsPid4242>();
        await using var provider = services.BuildServiceProvider();

        var unnamed = provider.GetRequiredService<IGatewayManager>();
        var alpha = provider.GetRequiredKeyedService<IGatewayManager>("alpha");
        await unnamed.StartSupervisionAsync().WaitAsync(TestTimeouts.Wait);
        await alpha.StartSupervisionAsync().WaitAsync(TestTimeouts.Wait);

        Assert.Null(provider.GetService<IGatewayLocator>());
        Assert.Equal((GatewayOwnership.External, 4242), (alpha.Current.Ownership, alpha.Current.ProcessId));
        Assert.Equal((GatewayOwnership.Owned, null), (unnamed.Current.Ownership, unnamed.Current.ProcessId));
    }

    private sealed class FindsPid4242 : IGatewayLocator
    {
        public ValueTask<ExternalGateway?> LocateAsync(CancellationToken cancellationToken) => ValueTask.FromResult<ExternalGateway?>(new ExternalGateway(4242));
    }

    private sealed class AlwaysHealthy : IHealthProbe
    {
        public ValueTask<HealthProbeResult> ProbeAsync(HealthProbeContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(HealthProbeResult.Healthy());
    }
}
