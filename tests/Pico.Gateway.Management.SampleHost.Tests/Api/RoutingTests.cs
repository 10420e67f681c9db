using System.Net;
using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Api;

public sealed class RoutingTests
{
    [Theory]
    [InlineData("/api/gateway/nope")]
    [InlineData("/api/gateway")]
    [InlineData("/api/other/thing")]
    public async Task Unknown_api_paths_answer_404_json(string path)
    {
        await using var host = await TestHost.StartAsync();

        using var response = await host.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", (await TestHost.ReadJsonAsync(response)).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("GET", "/api/gateway/start", "POST")]
    [InlineData("GET", "/api/gateway/stop", "POST")]
    [InlineData("GET", "/api/gateway/restart", "POST")]
    [InlineData("GET", "/api/gateway/logs/clear", "POST")]
    [InlineData("POST", "/api/gateway/status", "GET")]
    [InlineData("DELETE", "/api/gateway/logs", "GET")]
    [InlineData("PUT", "/api/gateway/events", "GET")]
    [InlineData("POST", "/api/gateway/history", "GET")]
    public async Task A_wrong_method_answers_405_json_with_allow(string method, string path, string allowed)
    {
        await using var host = await TestHost.StartAsync();

        using var response = await host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal([allowed], response.Content.Headers.Allow);
        Assert.Equal("method_not_allowed", (await TestHost.ReadJsonAsync(response)).GetProperty("status").GetString());
        Assert.Equal(GatewayStatus.Stopped, host.Manager.Current.Status);
    }

    [Fact]
    public async Task The_root_serves_the_dashboard()
    {
        await using var host = await TestHost.StartAsync();

        using var response = await host.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_host_name_other_than_loopback_is_refused_on_a_loopback_binding()
    {
        await using var host = await TestHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/gateway/status");
        request.Headers.Host = $"attacker.example:{host.BaseAddress.Port}";

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2")]
    [InlineData("127.255.0.9")]
    [InlineData("[::1]")]
    public async Task Loopback_host_names_are_answered(string hostName)
    {
        await using var host = await TestHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/gateway/status");
        request.Headers.Host = $"{hostName}:{host.BaseAddress.Port}";

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_host_bound_to_127_0_0_2_answers_requests_addressed_to_it()
    {
        await using var host = await TestHost.StartAsync(settings => settings.Urls = "http://127.0.0.2:0");
        Assert.Equal("127.0.0.2", host.BaseAddress.Host);

        using var status = await host.Client.GetAsync("/api/gateway/status");
        using var dashboard = await host.Client.GetAsync("/");
        using var start = await host.PostAsync("/api/gateway/logs/clear", origin: host.Origin);

        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Equal(HttpStatusCode.OK, start.StatusCode);
    }

    [Theory]
    [InlineData("128.0.0.1")]
    [InlineData("127.0.0.1.evil.example")]
    [InlineData("localhost.evil.example")]
    [InlineData("[::2]")]
    public async Task Names_that_only_look_like_loopback_are_refused(string hostName)
    {
        await using var host = await TestHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/gateway/status");
        request.Headers.Host = $"{hostName}:{host.BaseAddress.Port}";

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
