using System.Diagnostics;
using System.Net;
using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Api;

public sealed class HealthzEndpointTests
{
    [Fact]
    public async Task Healthz_is_degraded_when_stopped_healthy_when_running_and_503_after_a_crash()
    {
        await using var host = await TestHost.StartAsync();

        Assert.Equal((HttpStatusCode.OK, "Degraded"), await GetHealthzAsync(host));

        var pid = await host.StartRunningAsync();
        Assert.Equal((HttpStatusCode.OK, "Healthy"), await GetHealthzAsync(host));

        using (var gateway = Process.GetProcessById(pid))
        {
            gateway.Kill();
        }

        await host.WaitForAsync(e => e.Status == GatewayStatus.Stopped && e.LastError is not null);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "Unhealthy"), await GetHealthzAsync(host));
    }

    [Fact]
    public async Task Healthz_answers_503_when_the_gateway_cannot_be_spawned()
    {
        await using var host = await TestHost.StartAsync(settings => settings.UseExecutable("/nonexistent/picoclaw", "gateway"));

        using var start = await host.PostAsync("/api/gateway/start");
        await host.WaitForStatusAsync(GatewayStatus.Error);

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "Unhealthy"), await GetHealthzAsync(host));
    }

    [Fact]
    public async Task Healthz_needs_no_access_token_and_sends_no_CORS_header()
    {
        await using var host = await TestHost.StartAsync(settings => settings.Set("SampleHost:AccessToken", "s3cret"));

        using var response = await host.Client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        TestHost.AssertNoCors(response);
    }

    private static async Task<(HttpStatusCode, string)> GetHealthzAsync(TestHost host)
    {
        using var response = await host.Client.GetAsync("/healthz");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
