using System.Net;
using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Security;

public sealed class OriginTests
{
    [Theory]
    [InlineData("http://evil.example")]
    [InlineData("https://evil.example:443")]
    [InlineData("null")]
    [InlineData("not a url")]
    public async Task A_cross_origin_post_is_refused_with_403_and_does_nothing(string origin)
    {
        await using var host = await TestHost.StartAsync();

        using var response = await host.PostAsync("/api/gateway/start", origin);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var body = await TestHost.ReadJsonAsync(response);
        Assert.Equal("forbidden", body.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
        TestHost.AssertNoCors(response);
        Assert.Equal(GatewayStatus.Stopped, host.Manager.Current.Status);
    }

    [Fact]
    public async Task The_same_host_on_another_port_or_scheme_is_another_origin()
    {
        await using var host = await TestHost.StartAsync();
        var pid = await host.StartRunningAsync();
        var port = host.BaseAddress.Port;

        foreach (var origin in new[] { $"http://127.0.0.1:{port + 1}", $"https://127.0.0.1:{port}", "http://127.0.0.1" })
        {
            using var response = await host.PostAsync("/api/gateway/stop", origin);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        Assert.Equal(GatewayStatus.Running, host.Manager.Current.Status);
        Assert.Equal(pid, host.Manager.Current.ProcessId);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task Every_state_changing_method_is_checked_even_off_the_api(string method)
    {
        await using var host = await TestHost.StartAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), "/index.html");
        request.Headers.TryAddWithoutValidation("Origin", "http://evil.example");

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_same_origin_post_is_allowed()
    {
        await using var host = await TestHost.StartAsync();

        using var response = await host.PostAsync("/api/gateway/start", host.Origin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        TestHost.AssertNoCors(response);
    }

    [Fact]
    public async Task A_same_origin_post_through_localhost_is_allowed()
    {
        await using var host = await TestHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/gateway/logs/clear");
        request.Headers.Host = $"localhost:{host.BaseAddress.Port}";
        request.Headers.TryAddWithoutValidation("Origin", $"http://LOCALHOST:{host.BaseAddress.Port}");

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_post_without_an_origin_header_is_allowed()
    {
        await using var host = await TestHost.StartAsync();

        using var response = await host.PostAsync("/api/gateway/logs/clear");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/api/gateway/status")]
    [InlineData("GET", "/api/gateway/logs")]
    [InlineData("GET", "/")]
    [InlineData("GET", "/api/gateway/nope")]
    [InlineData("OPTIONS", "/api/gateway/start")]
    [InlineData("OPTIONS", "/api/gateway/events")]
    [InlineData("POST", "/api/gateway/stop")]
    [InlineData("POST", "/api/gateway/logs/clear")]
    public async Task No_response_carries_cors_headers(string method, string path)
    {
        await using var host = await TestHost.StartAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.TryAddWithoutValidation("Origin", "http://evil.example");
        request.Headers.TryAddWithoutValidation("Access-Control-Request-Method", "POST");

        using var response = await host.Client.SendAsync(request);

        TestHost.AssertNoCors(response);
    }

    [Fact]
    public async Task The_event_stream_carries_no_cors_header_for_a_foreign_origin()
    {
        await using var host = await TestHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/gateway/events");
        request.Headers.TryAddWithoutValidation("Origin", "http://evil.example");

        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        TestHost.AssertNoCors(response);
    }
}
