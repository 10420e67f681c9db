using System.Net;
using Microsoft.Extensions.Logging;
using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Security;

/// <summary>The token travels in an HttpOnly cookie, never stays in an address, and never reaches a log line.</summary>
public sealed class AccessTokenCookieTests
{
    private const string Token = "t0ken-that-must-not-leak";
    private const string CookieName = "pico_gateway_access_token";

    [Fact]
    public async Task Opening_the_dashboard_with_the_token_sets_a_strict_http_only_cookie_and_redirects_without_it()
    {
        await using var host = await StartWithTokenAsync();

        using var response = await host.Client.GetAsync($"/?theme=dark&access_token={Token}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("./?theme=dark", response.Headers.Location?.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith($"{CookieName}={Token};", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("path=", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_wrong_token_in_the_address_redirects_without_a_cookie()
    {
        await using var host = await StartWithTokenAsync();

        using var response = await host.Client.GetAsync("/index.html?access_token=wrong");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("index.html", response.Headers.Location?.OriginalString);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task The_cookie_opens_the_api_and_the_event_stream()
    {
        await using var host = await StartWithTokenAsync();
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Add("Cookie", $"{CookieName}={Token}");

        using var status = await client.GetAsync("/api/gateway/status");
        using var clear = new HttpRequestMessage(HttpMethod.Post, "/api/gateway/logs/clear");
        clear.Headers.Add("Origin", host.Origin);
        using var cleared = await client.SendAsync(clear);
        await using var events = await ServerSentEventReader.OpenAsync(client);

        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Equal(HttpStatusCode.OK, events.Response.StatusCode);
        Assert.NotNull((await events.ReadAsync())?.Data);
    }

    [Fact]
    public async Task A_wrong_cookie_is_401()
    {
        await using var host = await StartWithTokenAsync();
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Add("Cookie", $"{CookieName}=wrong");

        using var status = await client.GetAsync("/api/gateway/status");

        Assert.Equal(HttpStatusCode.Unauthorized, status.StatusCode);
    }

    [Theory]
    [InlineData("Information")]
    [InlineData("Debug")]
    public async Task No_log_line_carries_the_token_at_any_level(string level)
    {
        var logs = new CapturingLoggerProvider();
        await using (var host = await TestHost.StartAsync(settings =>
        {
            settings.Set("SampleHost:AccessToken", Token)
                .Set("Logging:LogLevel:Default", level)
                .Set("Logging:LogLevel:Microsoft", level)
                .Set("Logging:LogLevel:Microsoft.AspNetCore", level);
            settings.ConfigureBuilder = builder => builder.Logging.AddProvider(logs);
        }))
        {
            using (await host.Client.GetAsync($"/?access_token={Token}"))
            using (await host.Client.GetAsync($"/api/gateway/status?access_token={Token}"))
            using (await host.Client.GetAsync($"/api/gateway/nope?x=1&access_token={Token}"))
            using (await host.Client.PostAsync($"/api/gateway/start?access_token={Token}", content: null))
            await using (var events = await ServerSentEventReader.OpenAsync(host.Client, $"/api/gateway/events?access_token={Token}"))
            {
                Assert.Equal(HttpStatusCode.OK, events.Response.StatusCode);
                Assert.NotNull(await events.ReadAsync());
            }
        }

        Assert.Contains(logs.Entries, entry => entry.Contains("Request starting", StringComparison.Ordinal));
        var leaks = logs.Entries.Where(entry => entry.Contains(Token, StringComparison.Ordinal)).ToList();
        Assert.True(leaks.Count == 0, $"the token is in {leaks.Count} log entries:\n{string.Join('\n', leaks)}");
    }

    private static Task<TestHost> StartWithTokenAsync() =>
        TestHost.StartAsync(settings => settings.Set("SampleHost:AccessToken", Token));
}
