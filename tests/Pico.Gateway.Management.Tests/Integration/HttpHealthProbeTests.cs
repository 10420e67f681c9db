using System.Globalization;
using Pico.Gateway.Management.Tests.Testing;
using Pico.Gateway.Management.Health;

namespace Pico.Gateway.Management.Tests.Integration;

/// <summary>The default probe against the real child's health endpoint.</summary>
public sealed class HttpHealthProbeTests
{
    [Theory]
    [InlineData("200", """{"status":"ok","n":1}""", HealthProbeOutcome.Healthy, 200)]
    [InlineData("503", """{"status":"down"}""", HealthProbeOutcome.Unhealthy, 503)]
    [InlineData("200", "[1,2,3]", HealthProbeOutcome.Unhealthy, 200)]
    [InlineData("200", "not json", HealthProbeOutcome.Unhealthy, 200)]
    public async Task Classifies_the_answer(string status, string body, HealthProbeOutcome outcome, int statusCode)
    {
        var healthFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(healthFile, status + " " + body);
        try
        {
            await using var gateway = new RealGateway("healthy", ["--health-file", healthFile]);
            var started = await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
            await gateway.Lines.WaitForPrefixAsync("READY");
            using var probe = new HttpHealthProbe();

            var result = await probe.ProbeAsync(new HealthProbeContext(new Uri(gateway.Options.HealthCheckUrl), started.ProcessId!.Value, GatewayStatus.Running), CancellationToken.None).WaitAsync(TestTimeouts.Wait);

            Assert.Equal(outcome, result.Outcome);
            Assert.Equal(statusCode, result.StatusCode);
            if (outcome == HealthProbeOutcome.Healthy)
            {
                Assert.Equal(1, result.Details!["n"].GetInt32());
            }
        }
        finally
        {
            File.Delete(healthFile);
        }
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
