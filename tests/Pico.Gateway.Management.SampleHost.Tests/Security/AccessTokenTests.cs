using System.Net;
using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Security;

public sealed class AccessTokenTests
{
    private const string Token = "s3cret-token";

    [Theory]
    [InlineData("GET", "/api/gateway/status")]
    [InlineData("GET", "/api/gateway/logs")]
    [InlineData("GET", "/api/gateway/events")]
    [InlineData("POST", "/api/gateway/start")]
    [InlineData("POST", "/api/gateway/logs/clear")]
    [InlineData("GET", "/api/gateway/nope")]
    public async Task Every_api_request_without_the_bearer_token_is_401(string method, string path)
    {
        await using var host = await StartWithTokenAsync();

        using var response = await host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Equal("unauthorized", (await TestHost.ReadJsonAsync(response)).GetProperty("status").GetString());
        Assert.Equal(GatewayStatus.Stopped, host.Manager.Current.Status);
    }

    [Theory]
    [InlineData("Bearer wrong")]
    [InlineData("Bearer s3cret-token-and-more")]
    [InlineData("Basic czNjcmV0LXRva2Vu")]
    [InlineData("s3cret-token")]
    public async Task A_wrong_authorization_is_401(string authorization)
    {
        await using var host = await StartWithTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/gateway/status");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_bearer_token_opens_the_api()
    {
        await using var host = await StartWithTokenAsync();
        host.Client.DefaultRequestHeaders.Authorization = TestHost.Bearer(Token);

        var status = await host.GetJsonAsync("/api/gateway/status");
        using var start = await host.PostAsync("/api/gateway/start");

        Assert.Equal("stopped", status.GetProperty("gateway_status").GetString());
        Assert.Equal(HttpStatusCode.OK, start.StatusCode);
    }

    [Fact]
    public async Task The_event_stream_also_accepts_the_token_in_its_query_string()
    {
        await using var host = await StartWithTokenAsync();

        await using var events = await ServerSentEventReader.OpenAsync(host.Client, $"/api/gateway/events?access_token={Token}");

        Assert.Equal(HttpStatusCode.OK, events.Response.StatusCode);
        Assert.NotNull((await events.ReadAsync())?.Data);
    }

    [Theory]
    [InlineData("GET", "/api/gateway/status")]
    [InlineData("POST", "/api/gateway/start")]
    [InlineData("GET", "/api/gateway/events?access_token=wrong")]
    public async Task Only_the_event_stream_accepts_a_query_token(string method, string path)
    {
        await using var host = await StartWithTokenAsync();
        var separator = path.Contains('?', StringComparison.Ordinal) ? string.Empty : $"?access_token={Token}";

        using var response = await host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path + separator));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_dashboard_itself_needs_no_token()
    {
        await using var host = await StartWithTokenAsync();

        using var response = await host.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Without_a_configured_token_no_authorization_is_needed()
    {
        await using var host = await TestHost.StartAsync();

        using var response = await host.Client.GetAsync("/api/gateway/status");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static Task<TestHost> StartWithTokenAsync() =>
        TestHost.StartAsync(settings => settings.Set("SampleHost:AccessToken", Token));
}
