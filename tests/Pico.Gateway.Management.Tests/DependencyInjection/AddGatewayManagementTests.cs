using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Tests.Testing;

namespace Pico.Gateway.Management.Tests.DependencyInjection;

public sealed class AddGatewayManagementTests
{
    [Fact]
    public void Calling_it_twice_registers_everything_once_and_applies_both_delegates()
    {
        var services = new ServiceCollection();

        services.AddGatewayManagement(o => o.ExecutablePath = "first");
        var countAfterOne = services.Count;
        services.AddGatewayManagement(o => o.LogCapacity = 42);

        Assert.Equal(countAfterOne + 1, services.Count);
        Assert.Single(services, d => d.ServiceType == typeof(IGatewayManager));
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<GatewayOptions>));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<GatewayOptions>>().Value;
        Assert.Equal(("first", 42), (options.ExecutablePath, options.LogCapacity));
    }

    [Fact]
    public void The_system_clock_is_registered_only_when_none_is()
    {
        var withoutClock = new ServiceCollection();
        withoutClock.AddGatewayManagement();
        var fake = new TrackingTimeProvider();
        var withClock = new ServiceCollection().AddSingleton<TimeProvider>(fake);
        withClock.AddGatewayManagement();

        Assert.Same(TimeProvider.System, withoutClock.BuildServiceProvider().GetRequiredService<TimeProvider>());
        Assert.Same(fake, withClock.BuildServiceProvider().GetRequiredService<TimeProvider>());
    }

    [Fact]
    public async Task Builder_plugs_in_probes_sinks_conditions_and_fingerprints()
    {
        var services = new ServiceCollection();
        var launcher = new FakeProcessLauncher();
        services.AddSingleton<IGatewayProcessLauncher>(launcher);
        services.AddSingleton<TimeProvider>(new TrackingTimeProvider());
        var condition = new FakeStartCondition { NotReadyReason = "not today" };
        services.AddGatewayManagement(o => o.ExecutablePath = "gw")
            .UseHealthProbe<FakeHealthProbe>()
            .AddLogSink<CountingSink>()
            .AddLogSink<CountingSink>()
            .AddStartCondition(condition)
            .UseConfigurationFingerprint<FakeFingerprint>();
        await using var provider = services.BuildServiceProvider();

        Assert.IsType<FakeHealthProbe>(provider.GetRequiredService<IHealthProbe>());
        Assert.IsType<FakeFingerprint>(provider.GetRequiredService<IGatewayConfigurationFingerprint>());
        Assert.Single(provider.GetServices<ILogSink>());
        var manager = provider.GetRequiredService<IGatewayManager>();
        var result = await manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        Assert.Equal(GatewayStartResult.PreconditionFailed("not today"), result);
        Assert.Empty(launcher.Started);
    }

    [Fact]
    public async Task Hosted_service_auto_starts_and_stops_the_gateway_with_the_host()
    {
        var launcher = new FakeProcessLauncher();
        var probe = new FakeHealthProbe { Answer = HealthProbeResult.Healthy() };
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<IGatewayProcessLauncher>(launcher);
        builder.Services.AddSingleton<TimeProvider>(new TrackingTimeProvider());
        builder.Services.AddGatewayManagement(o =>
        {
            o.ExecutablePath = "gw";
            o.AutoStart = true;
        }).Services.AddSingleton<IHealthProbe>(probe);
        using var host = builder.Build();

        await host.StartAsync().WaitAsync(TestTimeouts.Wait);
        var process = Assert.Single(launcher.Started);
        Assert.False(process.HasExited);

        await host.StopAsync().WaitAsync(TestTimeouts.Wait);

        Assert.True(process.HasExited);
        Assert.Equal(1, process.TerminateSignals);
    }

    [Fact]
    public async Task Hosted_service_does_not_start_when_auto_start_is_off()
    {
        var launcher = new FakeProcessLauncher();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<IGatewayProcessLauncher>(launcher);
        builder.Services.AddGatewayManagement(o => o.ExecutablePath = "gw");
        using var host = builder.Build();

        await host.StartAsync().WaitAsync(TestTimeouts.Wait);
        await host.StopAsync().WaitAsync(TestTimeouts.Wait);

        Assert.Empty(launcher.Started);
    }

    private sealed class CountingSink : ILogSink
    {
        public void Write(in GatewayLogLine line)
        {
        }
    }
}
