using System.Globalization;
using Pico.Gateway.Management.Tests.Testing;
using Pico.Gateway.Management.Health;

namespace Pico.Gateway.Management.Tests.Integration;

/// <summary>The default probe against the real child's health endpoint.</summary>
public sealed class HttpHealthProbeTests
{
    [Theory]
    [InlineData(true, "200", """{"status":"ok","n":1}""", HealthProbeOutcome.Healthy, 200)]
    [InlineData(true, "503", """{"status":"down"}""", HealthProbeOutcome.Unhealthy, 503)]
    [InlineData(true, "200", "[1,2,3]", HealthProbeOutcome.Unhealthy, 200)]
    [InlineData(true, "200", "not json", HealthProbeOutcome.Unhealthy, 200)]
    [InlineData(true, "202", """{"n":1}""", HealthProbeOutcome.Unhealthy, 202)]
    [InlineData(false, "200", """{"status":"ok","n":1}""", HealthProbeOutcome.Healthy, 200)]
    [InlineData(false, "202", """{"n":1}""", HealthProbeOutcome.Healthy, 202)]
    [InlineData(false, "503", """{"status":"down"}""", HealthProbeOutcome.Unhealthy, 503)]
    [InlineData(false, "200", "[1,2,3]", HealthProbeOutcome.Healthy, 200)]
    [InlineData(false, "200", "not json", HealthProbeOutcome.Healthy, 200)]
    public async Task Classifies_the_answer(bool strict, string status, string body, HealthProbeOutcome outcome, int statusCode)
    {
        var healthFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(healthFile, status + " " + body);
        try
        {
            await using var gateway = new RealGateway("healthy", ["--health-file", healthFile]);
            var started = await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
            await gateway.Lines.WaitForPrefixAsync("READY");
            using var probe = new HttpHealthProbe();

            var context = new HealthProbeContext(new Uri(gateway.Options.HealthCheckUrl), started.ProcessId!.Value, GatewayStatus.Running) { Strict = strict };
            var result = await probe.ProbeAsync(context, CancellationToken.None).WaitAsync(TestTimeouts.Wait);

            Assert.Equal(outcome, result.Outcome);
            Assert.Equal(statusCode, result.StatusCode);
            Assert.False(result.CannotBecomeHealthy);
            if (outcome == HealthProbeOutcome.Healthy && body.StartsWith('{'))
            {
                Assert.Equal(1, result.Details!["n"].GetInt32());
                Assert.Null(result.Text);
            }
            else if (outcome == HealthProbeOutcome.Healthy)
            {
                Assert.Null(result.Details);
                Assert.Equal(body, result.Text);
            }
        }
        finally
        {
            File.Delete(healthFile);
        }
    }

    [Fact]
    public async Task AspNetCore_style_Healthy_text_makes_a_default_gateway_running_with_the_text()
    {
        await using var gateway = new RealGateway("healthy", ["--body", "Healthy", "--content-type", "text/plain"]);

        await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);

        var running = await gateway.Recorder.WaitForStatusAsync(GatewayStatus.Running);
        Assert.Null(running.HealthDetails);
        Assert.Equal("Healthy", gateway.Manager.Current.HealthText);
    }

    [Fact]
    public async Task A_strict_gateway_answering_text_is_an_error_at_once_not_at_its_deadline()
    {
        await using var gateway = new RealGateway(
            "healthy",
            ["--body", "Healthy", "--content-type", "text/plain"],
            configure: o =>
            {
                o.StrictHealthCheck = true;
                o.StartupTimeout = TimeSpan.FromMinutes(10);
            });

        await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);

        var error = await gateway.Recorder.WaitForStatusAsync(GatewayStatus.Error);
        Assert.Equal(200, error.HealthStatusCode);
        Assert.Equal("health check body is text/plain, not a JSON object", error.LastError);
        Assert.NotNull(error.ProcessId);
    }

    [Fact]
    public async Task A_gateway_that_exits_while_starting_says_why_in_its_stderr_lines()
    {
        await using var gateway = new RealGateway("exit", ["--code", "2", "--stderr", "config: no such file"]);

        await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);

        var stopped = await gateway.Recorder.WaitForAsync(e => e.LastExitCode == 2);
        Assert.Equal(["config: no such file"], stopped.LastStderr);
        Assert.EndsWith("stderr:\nconfig: no such file", stopped.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Startup_reports_connection_refused_before_the_deadline()
    {
        await using var gateway = new RealGateway("healthy", ["--delay-ms", "60000"], configure: o => o.StartupTimeout = TimeSpan.FromMinutes(10));

        await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);

        var starting = await gateway.Recorder.WaitForAsync(e => e.StartupDetail is not null);
        Assert.Equal(GatewayStatus.Starting, starting.Status);
        Assert.Equal("connection refused", starting.StartupDetail);
    }

    [Fact]
    public async Task A_closed_port_is_unreachable()
    {
        using var probe = new HttpHealthProbe();
        var url = new Uri($"http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}/health");

        var result = await probe.ProbeAsync(new HealthProbeContext(url, 1, GatewayStatus.Starting), CancellationToken.None).WaitAsync(TestTimeouts.Wait);

        Assert.Equal(HealthProbeOutcome.Unreachable, result.Outcome);
        Assert.Null(result.StatusCode);
    }

    [Fact]
    public async Task A_running_gateway_whose_health_turns_bad_goes_to_error_and_recovers()
    {
        var healthFile = Path.Combine(Path.GetTempPath(), "pico-health-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var gateway = new RealGateway("healthy", ["--health-file", healthFile]);
            await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
            await gateway.Recorder.WaitForStatusAsync(GatewayStatus.Running);

            await ReplaceAsync(healthFile, "500 {}");
            await gateway.Manager.TickAsync(CancellationToken.None).WaitAsync(TestTimeouts.Wait);
            var error = await gateway.Recorder.WaitForStatusAsync(GatewayStatus.Error);
            Assert.Equal(500, error.HealthStatusCode);

            await ReplaceAsync(healthFile, """200 {"status":"ok"}""");
            await gateway.Manager.TickAsync(CancellationToken.None).WaitAsync(TestTimeouts.Wait);
            await gateway.Recorder.WaitForStatusAsync(GatewayStatus.Running, occurrence: 2);
        }
        finally
        {
            File.Delete(healthFile);
        }
    }

    private static async Task ReplaceAsync(string path, string content)
    {
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }
}
