using System.Net;
using System.Text.Json;
using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Proxy;

/// <summary>
/// A real reverse proxy (nginx when installed) in front of the sample host, configured like the README's recipe, with a
/// browser's <c>Origin</c>: the proxy's own address. nginx's default <c>proxy_pass</c> sets <c>Host</c> to the upstream,
/// so without configuration the host sees a foreign origin and refuses (the reported bug).
/// </summary>
public sealed class ReverseProxyTests
{
    [Fact]
    public async Task Behind_a_proxy_without_settings_a_browser_post_is_refused()
    {
        await using var host = await TestHost.StartAsync();
        await using var proxy = await ReverseProxy.StartAsync(host.BaseAddress, forwardHeaders: true);
        using var client = ProxyClient(proxy);

        using var response = await PostAsync(client, proxy, "/api/gateway/start");

        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{proxy.Kind}: {(int)response.StatusCode}");
        Assert.Equal(GatewayStatus.Stopped, host.Manager.Current.Status);
    }

    [Fact]
    public async Task Forwarded_headers_from_a_known_proxy_drive_start_and_stop_through_it()
    {
        await using var host = await TestHost.StartAsync(settings => settings.Set("SampleHost:ForwardedHeaders:KnownProxies:0", "127.0.0.1"));
        await using var proxy = await ReverseProxy.StartAsync(host.BaseAddress, forwardHeaders: true);
        await DriveStartAndStopAsync(host, proxy);
    }

    [Fact]
    public async Task An_allowed_origin_drives_start_and_stop_through_a_proxy_that_forwards_nothing()
    {
        await using var host = await TestHost.StartAsync(settings => settings.Set("SampleHost:AllowedOrigins", "https://picoclaw.example"));
        await using var proxy = await ReverseProxy.StartAsync(host.BaseAddress, forwardHeaders: false);

        // Only the listed origin is trusted: the proxy's own address is still foreign here.
        using var client = ProxyClient(proxy);
        using (var refused = await PostAsync(client, proxy, "/api/gateway/start"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        await DriveStartAndStopAsync(host, proxy, origin: "https://picoclaw.example");
    }

    [Fact]
    public async Task Forwarded_headers_are_not_believed_from_a_peer_that_is_not_configured()
    {
        await using var host = await TestHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/gateway/logs/clear");
        request.Headers.Add("Origin", "https://attacker.example");
        request.Headers.Add("X-Forwarded-Host", "attacker.example");
        request.Headers.Add("X-Forwarded-Proto", "https");

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("SampleHost:AllowedOrigins", "https://example.com/path")]
    [InlineData("SampleHost:AllowedOrigins", "ftp://example.com")]
    [InlineData("SampleHost:ForwardedHeaders:KnownProxies", "not-an-ip")]
    [InlineData("SampleHost:ForwardedHeaders:KnownNetworks", "10.0.0.0/99")]
    public void A_wrong_proxy_setting_stops_the_host_from_starting(string key, string value)
    {
        using var workspace = new TestWorkspace();
        var error = Assert.Throws<InvalidOperationException>(() =>
            SampleHostApp.Build(["--urls=http://127.0.0.1:0", $"--PICOCLAW_CONFIG={workspace.ConfigPath}", $"--{key}={value}"]));
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    private static async Task DriveStartAndStopAsync(TestHost host, IReverseProxy proxy, string? origin = null)
    {
        using var client = ProxyClient(proxy);
        await using var events = await ServerSentEventReader.OpenAsync(client);
        Assert.Equal(HttpStatusCode.OK, events.Response.StatusCode);
        Assert.NotNull((await events.ReadAsync())?.Data);

        int pid;
        using (var start = await PostAsync(client, proxy, "/api/gateway/start", origin))
        {
            var body = await start.Content.ReadAsStringAsync();
            Assert.True(start.StatusCode == HttpStatusCode.OK, $"start through {proxy.Kind}: {(int)start.StatusCode} {body}");
            pid = JsonDocument.Parse(body).RootElement.GetProperty("pid").GetInt32();
        }

        await host.WaitForAsync(e => e.Status == GatewayStatus.Running && e.ProcessId == pid);
        await events.ReadStatusesUntilAsync(status => status.GetProperty("gateway_status").GetString() == "running");

        using (var stop = await PostAsync(client, proxy, "/api/gateway/stop", origin))
        {
            Assert.True(stop.StatusCode == HttpStatusCode.OK, $"stop through {proxy.Kind}: {(int)stop.StatusCode}");
        }

        await host.WaitForStatusAsync(GatewayStatus.Stopped);
        await events.ReadStatusesUntilAsync(status => status.GetProperty("gateway_status").GetString() == "stopped");
    }

    private static HttpClient ProxyClient(IReverseProxy proxy) =>
        new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { BaseAddress = proxy.BaseAddress, Timeout = TestTimeouts.Wait };

    /// <summary>What a browser on the proxy's page sends: the page's origin, by default the proxy's own address.</summary>
    private static Task<HttpResponseMessage> PostAsync(HttpClient client, IReverseProxy proxy, string path, string? origin = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Add("Origin", origin ?? proxy.BaseAddress.GetLeftPart(UriPartial.Authority));
        return client.SendAsync(request);
    }
}
