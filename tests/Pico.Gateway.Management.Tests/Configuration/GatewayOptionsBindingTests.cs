using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pico.Gateway.Management.Configuration;

namespace Pico.Gateway.Management.Tests.Configuration;

/// <summary>The generated binder behind <c>AddGatewayManagement</c>: what it accepts, and one clear error per value it cannot take.</summary>
public sealed class GatewayOptionsBindingTests
{
    [Fact]
    public void Each_value_that_does_not_parse_is_one_error_naming_its_key_and_the_other_values_still_bind()
    {
        var options = Bind(new Dictionary<string, string?>
        {
            ["Gateway:ExecutablePath"] = "/usr/bin/gw",
            ["Gateway:StopTimeout"] = "00:00:09",
            ["Gateway:StartupTimeout"] = "soon",
            ["Gateway:KillTimeout"] = "5s",
            ["Gateway:LogCapacity"] = "1e3",
            ["Gateway:UnhealthyThreshold"] = "3",
            ["Gateway:InheritEnvironment"] = "no",
            ["Gateway:RestartPolicy"] = "2",
            ["Gateway:Arguments:0"] = "gateway",
        });

        var failures = Validate(options);

        Assert.Equal(
            [
                "Gateway:InheritEnvironment is not true or false: 'no'.",
                "Gateway:KillTimeout is not a duration: '5s' (use hh:mm:ss, e.g. 00:00:05).",
                "Gateway:LogCapacity is not a whole number: '1e3'.",
                "Gateway:RestartPolicy must be Never, OnFailure or Always (was '2').",
                "Gateway:StartupTimeout is not a duration: 'soon' (use hh:mm:ss, e.g. 00:00:05).",
            ],
            failures.Order(StringComparer.Ordinal));
        Assert.Equal(("/usr/bin/gw", TimeSpan.FromSeconds(9), 3), (options.ExecutablePath, options.StopTimeout, options.UnhealthyThreshold));
        Assert.Equal(["gateway"], options.Arguments);
        Assert.Equal(new GatewayOptions().KillTimeout, options.KillTimeout);
    }

    [Fact]
    public void The_external_gateway_switches_bind_from_Gateway_External_and_a_value_that_is_not_a_switch_names_its_key()
    {
        var options = Bind(new() { ["Gateway:ExecutablePath"] = "gw", ["Gateway:External:AllowControl"] = "true", ["Gateway:External:StartWhenGone"] = "maybe" });

        var failures = Validate(options);

        Assert.Equal("Gateway:External:StartWhenGone is not true or false: 'maybe'.", Assert.Single(failures));
        Assert.Equal((true, false), (options.External.AllowControl, options.External.StartWhenGone));
    }

    [Theory]
    [InlineData("Never, Always")]
    [InlineData("-1")]
    [InlineData("sometimes")]
    public void A_restart_policy_is_one_of_the_names(string value)
    {
        var failures = Validate(Bind(new() { ["Gateway:ExecutablePath"] = "gw", ["Gateway:RestartPolicy"] = value }));

        Assert.Equal($"Gateway:RestartPolicy must be Never, OnFailure or Always (was '{value}').", Assert.Single(failures));
    }

    [Theory]
    [InlineData("00:00:05", 5_000)]
    [InlineData("00:00:00.250", 250)]
    [InlineData(" 00:00:02 ", 2_000)]
    [InlineData("00:05", 300_000)]
    [InlineData("1.00:00:00", 86_400_000)]
    [InlineData("2", 172_800_000)]
    public void Durations_accept_the_documented_forms(string value, long milliseconds)
    {
        var options = Bind(new() { ["Gateway:StopTimeout"] = value });

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), options.StopTimeout);
    }

    [Fact]
    public void An_empty_value_keeps_the_default()
    {
        var options = Bind(new()
        {
            ["Gateway:StopTimeout"] = string.Empty,
            ["Gateway:LogCapacity"] = "  ",
            ["Gateway:PidFilePath"] = string.Empty,
            ["Gateway:WorkingDirectory"] = string.Empty,
            ["Gateway:HealthCheckUrl"] = string.Empty,
        });

        var defaults = new GatewayOptions();
        Assert.Equal(defaults.StopTimeout, options.StopTimeout);
        Assert.Equal(defaults.LogCapacity, options.LogCapacity);
        Assert.Null(options.PidFilePath);
        Assert.Null(options.WorkingDirectory);
        Assert.Equal(defaults.HealthCheckUrl, options.HealthCheckUrl);
    }

    [Fact]
    public void One_argument_may_be_a_plain_value()
    {
        Assert.Equal(["gateway"], Bind(new() { ["Gateway:Arguments"] = "gateway" }).Arguments);
    }

    [Fact]
    public void The_environment_options_bind_from_configuration()
    {
        var options = Bind(new()
        {
            ["Gateway:InheritEnvironment"] = "false",
            ["Gateway:EnvironmentRemove:0"] = "SampleHost__*",
            ["Gateway:EnvironmentRemove:1"] = "AWS_SECRET_ACCESS_KEY",
            ["Gateway:Environment:PICOCLAW_CONFIG"] = "/etc/picoclaw.json",
            ["Gateway:Environment:EMPTY"] = string.Empty,
        });

        Assert.False(options.InheritEnvironment);
        Assert.Equal(["SampleHost__*", "AWS_SECRET_ACCESS_KEY"], options.EnvironmentRemove);
        Assert.Equal(new Dictionary<string, string> { ["PICOCLAW_CONFIG"] = "/etc/picoclaw.json", ["EMPTY"] = string.Empty }, options.Environment);
    }

    [Fact]
    public void Every_option_that_is_neither_a_string_nor_a_collection_has_a_value_check()
    {
        var scalars = typeof(GatewayOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.CanWrite && property.PropertyType != typeof(string))
            .Select(property => property.Name);

        Assert.Equal(scalars.Order(StringComparer.Ordinal), GatewayOptionsBinder.ValueChecks.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Options_bind_from_the_section_given_and_errors_name_its_keys()
    {
        var configuration = Configuration(new()
        {
            ["Gateway:ExecutablePath"] = "ignored",
            ["Pico:Gateway:ExecutablePath"] = "/opt/gw",
            ["Pico:Gateway:StopTimeout"] = "later",
            ["Pico:Edge:ExecutablePath"] = "/opt/edge",
            ["Pico:Edge:EnvironmentRemove:0"] = "A*B",
        });
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddGatewayManagement(configuration.GetSection("Pico:Gateway"));
        services.AddGatewayManagement("edge", configuration.GetSection("Pico:Edge"));
        using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<IOptionsMonitor<GatewayOptions>>();

        var unnamed = Assert.Throws<OptionsValidationException>(() => monitor.Get(Options.DefaultName));
        var edge = Assert.Throws<OptionsValidationException>(() => monitor.Get("edge"));

        Assert.Equal(["Pico:Gateway:StopTimeout is not a duration: 'later' (use hh:mm:ss, e.g. 00:00:05)."], unnamed.Failures);
        Assert.Equal(["Pico:Edge:EnvironmentRemove:0 must be a variable name, or a prefix ending in '*' (was 'A*B')."], edge.Failures);
    }

    [Fact]
    public void The_section_given_last_wins_and_a_whole_configuration_names_keys_without_a_prefix()
    {
        var configuration = Configuration(new() { ["ExecutablePath"] = "/root/gw", ["KillTimeout"] = "never", ["Other:ExecutablePath"] = "/other/gw" });
        var services = new ServiceCollection();
        services.AddGatewayManagement(configuration.GetSection("Other"));
        services.AddGatewayManagement(configuration);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<GatewayOptions>>().Value);

        Assert.Equal(["KillTimeout is not a duration: 'never' (use hh:mm:ss, e.g. 00:00:05)."], error.Failures);
    }

    [Fact]
    public async Task A_host_binds_a_named_gateway_from_its_own_section()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Services:Edge:ExecutablePath"] = "/opt/edge",
            ["Services:Edge:LogCapacity"] = "9",
        });
        builder.Services.AddGatewayManagement("edge", builder.Configuration.GetSection("Services:Edge"));
        using var host = builder.Build();

        await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        try
        {
            var manager = host.Services.GetRequiredKeyedService<IGatewayManager>("edge");
            Assert.Equal(9, manager.Logs.Capacity);
            Assert.Equal("/opt/edge", host.Services.GetRequiredService<IOptionsMonitor<GatewayOptions>>().Get("edge").ExecutablePath);
        }
        finally
        {
            await host.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private static IConfigurationRoot Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static GatewayOptions Bind(Dictionary<string, string?> values)
    {
        var options = new GatewayOptions();
        new GatewayOptionsBinder(Options.DefaultName, new GatewayOptionsSource(Configuration(values).GetSection("Gateway"), "Gateway")).Configure(options);
        return options;
    }

    private static List<string> Validate(GatewayOptions options) =>
        [.. new GatewayOptionsValidator().Validate(null, options).Failures ?? []];
}
