using Microsoft.Extensions.Configuration;
using Pico.Gateway.Management.Configuration;
using Pico.Gateway.Management.Health;
using Pico.Gateway.Management.Supervision;

namespace Pico.Gateway.Management.Tests.Health;

/// <summary>Gateway:Readiness binding and validation, and the sd_notify assignments in words.</summary>
public sealed class ReadinessOptionsTests
{
    [Fact]
    public void Readiness_keys_bind()
    {
        var options = Bind(new()
        {
            ["Gateway:StrictHealthCheck"] = "true",
            ["Gateway:Readiness:Mode"] = "notify",
            ["Gateway:Readiness:Liveness"] = "None",
            ["Gateway:Readiness:TcpHost"] = "::1",
            ["Gateway:Readiness:TcpPort"] = "8080",
            ["Gateway:Readiness:OutputPattern"] = "listening on",
            ["Gateway:Readiness:OutputPatternTimeout"] = "00:00:00.250",
            ["Gateway:Readiness:WatchdogTimeout"] = "00:00:10",
        });

        Assert.True(options.StrictHealthCheck);
        Assert.Equal(GatewayReadinessMode.Notify, options.Readiness.Mode);
        Assert.Equal(GatewayLivenessMode.None, options.Readiness.Liveness);
        Assert.Equal(("::1", 8080), (options.Readiness.TcpHost, options.Readiness.TcpPort));
        Assert.Equal("listening on", options.Readiness.OutputPattern);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.Readiness.OutputPatternTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Readiness.WatchdogTimeout);
    }

    [Fact]
    public void The_defaults_keep_the_HTTP_probe_for_both()
    {
        var options = new GatewayOptions();

        Assert.Equal((GatewayReadinessMode.Http, GatewayLivenessMode.Http), (options.Readiness.Mode, options.Readiness.Liveness));
        Assert.False(options.StrictHealthCheck);
        Assert.Null(options.Readiness.WatchdogTimeout);
    }

    [Fact]
    public void Bad_readiness_values_are_reported_with_their_keys()
    {
        var options = Bind(new()
        {
            ["Gateway:ExecutablePath"] = "gateway",
            ["Gateway:Readiness:Mode"] = "Ping",
            ["Gateway:Readiness:WatchdogTimeout"] = "soon",
            ["Gateway:Readiness:TcpPort"] = "http",
        });

        var failures = new GatewayOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Contains("Gateway:Readiness:Mode must be Http, Tcp, Notify or OutputLine (was 'Ping').", failures);
        Assert.Contains("Gateway:Readiness:WatchdogTimeout is not a duration: 'soon' (use hh:mm:ss, e.g. 00:00:05).", failures);
        Assert.Contains("Gateway:Readiness:TcpPort is not a port number: 'http'.", failures);
    }

    [Theory]
    [InlineData(GatewayReadinessMode.OutputLine, null, null, "Gateway:Readiness:OutputPattern is required")]
    [InlineData(GatewayReadinessMode.OutputLine, "([", null, "Gateway:Readiness:OutputPattern is not a valid regular expression")]
    [InlineData(GatewayReadinessMode.Http, null, 10, "Gateway:Readiness:WatchdogTimeout needs Mode Notify")]
    public void Readiness_rules(GatewayReadinessMode mode, string? pattern, int? watchdogSeconds, string error)
    {
        var options = new GatewayOptions { ExecutablePath = "gateway" };
        options.Readiness.Mode = mode;
        options.Readiness.OutputPattern = pattern;
        options.Readiness.WatchdogTimeout = watchdogSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

        var failures = new GatewayOptionsValidator().Validate(null, options).Failures!;

        Assert.Contains(failures, f => f.StartsWith(error, StringComparison.Ordinal));
    }

    [Fact]
    public void Notify_assignments_are_applied_in_order()
    {
        var listener = new RecordingListener();

        NotifyReadiness.Apply("STATUS=loading\nEXTEND_TIMEOUT_USEC=2500000\nSTOPPING=1\nRELOADING=1\nERRNO=5\nWATCHDOG=1\nREADY=1\nUNKNOWN=1\nnonsense", null!, listener);

        Assert.Equal(["status loading", "extend 00:00:02.5000000", "status stopping", "status reloading", "status errno 5", "ping", "ready"], listener.Calls);
    }

    private static GatewayOptions Bind(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var options = new GatewayOptions();
        GatewayOptionsBinder.Bind(configuration.GetSection(GatewayOptions.SectionName), options);
        return options;
    }

    private sealed class RecordingListener : IReadinessListener
    {
        public List<string> Calls { get; } = [];

        public void Ready(ProcessRun run) => Calls.Add("ready");

        public void Status(ProcessRun run, string text) => Calls.Add("status " + text);

        public void WatchdogPing(ProcessRun run) => Calls.Add("ping");

        public void ExtendStartup(ProcessRun run, TimeSpan extension) => Calls.Add("extend " + extension.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
    }
}
