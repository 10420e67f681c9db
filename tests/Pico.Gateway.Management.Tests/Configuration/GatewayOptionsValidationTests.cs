using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pico.Gateway.Management.Configuration;

namespace Pico.Gateway.Management.Tests.Configuration;

public sealed class GatewayOptionsValidationTests
{
    [Fact]
    public void Valid_options_pass()
    {
        var options = new GatewayOptions { ExecutablePath = "picoclaw" };

        Assert.True(new GatewayOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Every_error_is_reported_at_once_naming_its_key()
    {
        var options = new GatewayOptions
        {
            HealthCheckUrl = "not a url",
            StartupTimeout = TimeSpan.Zero,
            StopTimeout = TimeSpan.FromSeconds(-1),
            LogCapacity = 0,
            UnhealthyThreshold = -2,
        };

        var result = new GatewayOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Equal(6, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Gateway:ExecutablePath is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Gateway:HealthCheckUrl must be an absolute http or https URL", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Gateway:StartupTimeout must be a positive duration", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Gateway:StopTimeout must be a positive duration", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Gateway:LogCapacity must be at least 1", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Gateway:UnhealthyThreshold must be 0", StringComparison.Ordinal));
    }

    [Fact]
    public void Binding_reads_every_key_of_the_section()
    {
        var options = Bind(new Dictionary<string, string?>
        {
            ["Gateway:ExecutablePath"] = "/usr/local/bin/picoclaw",
            ["Gateway:Arguments:0"] = "gateway",
            ["Gateway:Arguments:1"] = "--verbose",
            ["Gateway:WorkingDirectory"] = "/srv",
            ["Gateway:Environment:PICOCLAW_CONFIG"] = "/etc/picoclaw.json",
            ["Gateway:HealthCheckUrl"] = "http://127.0.0.1:9000/health",
            ["Gateway:HealthCheckInterval"] = "00:00:07",
            ["Gateway:StartupProbeInterval"] = "00:00:00.020",
            ["Gateway:HealthCheckTimeout"] = "00:00:01",
            ["Gateway:StartupTimeout"] = "00:00:03",
            ["Gateway:StopTimeout"] = "00:00:04",
            ["Gateway:KillTimeout"] = "00:00:02",
            ["Gateway:LogCapacity"] = "500",
            ["Gateway:MaxLineLength"] = "1024",
            ["Gateway:UnhealthyThreshold"] = "3",
            ["Gateway:AutoStart"] = "true",
        });

        Assert.Equal("/usr/local/bin/picoclaw", options.ExecutablePath);
        Assert.Equal(["gateway", "--verbose"], options.Arguments);
        Assert.Equal("/srv", options.WorkingDirectory);
        Assert.Equal("/etc/picoclaw.json", options.Environment["PICOCLAW_CONFIG"]);
        Assert.Equal("http://127.0.0.1:9000/health", options.HealthCheckUrl);
        Assert.Equal(TimeSpan.FromSeconds(7), options.HealthCheckInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(20), options.StartupProbeInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), options.HealthCheckTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), options.StartupTimeout);
        Assert.Equal(TimeSpan.FromSeconds(4), options.StopTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), options.KillTimeout);
        Assert.Equal(500, options.LogCapacity);
        Assert.Equal(1024, options.MaxLineLength);
        Assert.Equal(3, options.UnhealthyThreshold);
        Assert.True(options.AutoStart);
    }

    [Fact]
    public void Values_that_do_not_parse_are_reported_with_their_key_alongside_other_errors()
    {
        var options = Bind(new Dictionary<string, string?>
        {
            ["Gateway:StartupTimeout"] = "soon",
            ["Gateway:LogCapacity"] = "lots",
            ["Gateway:AutoStart"] = "yes please",
        });

        var failures = new GatewayOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Contains("Gateway:StartupTimeout is not a duration: 'soon' (use hh:mm:ss, e.g. 00:00:05).", failures);
        Assert.Contains("Gateway:LogCapacity is not a whole number: 'lots'.", failures);
        Assert.Contains("Gateway:AutoStart is not true or false: 'yes please'.", failures);
        Assert.Contains(failures, f => f.StartsWith("Gateway:ExecutablePath is required", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_host_with_invalid_options_fails_to_start_listing_every_error()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:StopTimeout"] = "-00:00:01",
            ["Gateway:KillTimeout"] = "never",
        });
        builder.Services.AddGatewayManagement();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Gateway:ExecutablePath is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("Gateway:StopTimeout must be a positive duration", error.Message, StringComparison.Ordinal);
        Assert.Contains("Gateway:KillTimeout is not a duration: 'never'", error.Message, StringComparison.Ordinal);
    }

    private static GatewayOptions Bind(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddGatewayManagement();
        using var provider = services.BuildServiceProvider();
        var options = new GatewayOptions();
        foreach (var configure in provider.GetServices<IConfigureOptions<GatewayOptions>>())
        {
            configure.Configure(options);
        }

        return options;
    }
}
