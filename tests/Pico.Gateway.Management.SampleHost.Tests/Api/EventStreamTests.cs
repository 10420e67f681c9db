using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Pico.Gateway.Management.SampleHost.Api;
using Pico.Gateway.Management.SampleHost.Picoclaw;
using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Api;

public sealed class EventStreamTests
{
    [Fact]
    public async Task The_stream_is_uncached_event_stream_and_opens_with_the_current_status()
    {
        await using var host = await TestHost.StartAsync();
        await host.WaitForAsync(e => DefaultModelFingerprint.ModelName(e.CurrentFingerprint) == "demo");
        var status = await host.GetJsonAsync("/api/gateway/status");

        await using var events = await ServerSentEventReader.OpenAsync(host.Client);
        var first = await events.ReadAsync();

        Assert.Equal(HttpStatusCode.OK, events.Response.StatusCode);
        Assert.Equal("text/event-stream", events.Response.Content.Headers.ContentType?.MediaType);
        Assert.True(events.Response.Headers.CacheControl?.NoCache);
        TestHost.AssertNoCors(events.Response);
        Assert.NotNull(first?.Data);
        Assert.Equal(status.GetRawText(), first.Json.GetRawText());
    }

    [Fact]
    public async Task The_first_message_of_a_running_gateway_has_the_status_shape_with_health_fields()
    {
        await using var host = await TestHost.StartAsync();
        var pid = await host.StartRunningAsync();
        var status = await host.GetJsonAsync("/api/gateway/status");

        await using var events = await ServerSentEventReader.OpenAsync(host.Client);
        var first = (await events.ReadAsync())!.Json;

        Assert.Equal(pid, first.GetProperty("pid").GetInt32());
        Assert.Equal(Names(status), Names(first));
        Assert.False(first.TryGetProperty("logs", out _));
    }

    [Fact]
    public async Task Transitions_arrive_in_order_from_starting_to_running_to_stopping_to_stopped()
    {
        await using var host = await TestHost.StartAsync();
        await using var events = await ServerSentEventReader.OpenAsync(host.Client);
        Assert.Equal("stopped", (await events.ReadAsync())!.Json.GetProperty("gateway_status").GetString());

        using (var start = await host.PostAsync("/api/gateway/start"))
        {
            Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        }

        var starting = await events.ReadStatusesUntilAsync(json => json.GetProperty("gateway_status").GetString() == "running");
        using (var stop = await host.PostAsync("/api/gateway/stop"))
        {
            Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        }

        var stopping = await events.ReadStatusesUntilAsync(json => json.GetProperty("gateway_status").GetString() == "stopped");

        Assert.Equal(["stopped", "starting", "running", "stopping", "stopped"], Distinct(["stopped", .. starting, .. stopping]));
    }

    [Fact]
    public async Task A_restart_streams_restarting_then_running_with_the_new_pid()
    {
        await using var host = await TestHost.StartAsync();
        var oldPid = await host.StartRunningAsync();
        await using var events = await ServerSentEventReader.OpenAsync(host.Client);
        Assert.Equal(oldPid, (await events.ReadAsync())!.Json.GetProperty("pid").GetInt32());

        using var restart = await host.PostAsync("/api/gateway/restart");
        var newPid = (await TestHost.ReadJsonAsync(restart)).GetProperty("pid").GetInt32();
        var statuses = await events.ReadStatusesUntilAsync(json =>
            json.GetProperty("gateway_status").GetString() == "running" && json.TryGetProperty("pid", out var pid) && pid.GetInt32() == newPid);

        Assert.Equal(["restarting", "running"], Distinct(statuses));
    }

    [Fact]
    public async Task An_idle_stream_gets_a_keepalive_comment_every_15_seconds()
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var host = await TestHost.StartAsync(settings => settings.ConfigureBuilder = builder => builder.Services.AddSingleton<TimeProvider>(clock));
        await host.WaitForAsync(e => DefaultModelFingerprint.ModelName(e.CurrentFingerprint) == "demo");
        await using var events = await ServerSentEventReader.OpenAsync(host.Client);
        Assert.NotNull((await events.ReadAsync())!.Data);

        clock.Advance(TimeSpan.FromSeconds(15));
        var keepAlive = await events.ReadAsync();
        clock.Advance(TimeSpan.FromSeconds(15));
        var second = await events.ReadAsync();

        Assert.Equal(new ServerSentEvent(null, "keepalive"), keepAlive);
        Assert.Equal(new ServerSentEvent(null, "keepalive"), second);
    }

    [Fact]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    public async Task A_client_that_disconnects_is_unsubscribed()
    {
        await using var host = await TestHost.StartAsync();
        var clients = host.App.Services.GetRequiredService<EventStreamClients>();
        var first = await ServerSentEventReader.OpenAsync(host.Client);
        await using var second = await ServerSentEventReader.OpenAsync(host.Client);
        Assert.NotNull(await first.ReadAsync());
        Assert.NotNull(await second.ReadAsync());
        Assert.Equal(2, clients.Count);

        await first.DisposeAsync();
        await clients.WaitForCountAsync(1).WaitAsync(TestTimeouts.Wait);

        // The remaining client still gets every change.
        await host.StartRunningAsync();
        Assert.Contains("running", await second.ReadStatusesUntilAsync(json => json.GetProperty("gateway_status").GetString() == "running"));
        await second.DisposeAsync();
        await clients.WaitForCountAsync(0).WaitAsync(TestTimeouts.Wait);
    }

    [Fact]
    public async Task An_open_stream_ends_when_the_host_stops_instead_of_holding_up_shutdown()
    {
        var host = await TestHost.StartAsync();
        ServerSentEventReader? events = null;
        try
        {
            events = await ServerSentEventReader.OpenAsync(host.Client);
            Assert.NotNull(await events.ReadAsync());
            var clients = host.App.Services.GetRequiredService<EventStreamClients>();

            await host.App.StopAsync().WaitAsync(TestTimeouts.Wait);

            Assert.Null(await events.ReadAsync());
            Assert.Equal(0, clients.Count);
        }
        finally
        {
            if (events is not null)
            {
                await events.DisposeAsync();
            }

            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Each_message_is_one_data_line_of_the_status_json()
    {
        await using var host = await TestHost.StartAsync(settings => settings.UseChild(
            "healthy", "--port", "{port}", "--body", """{"note":"line one\nline two"}"""));
        await host.StartRunningAsync();

        await using var events = await ServerSentEventReader.OpenAsync(host.Client);
        var first = (await events.ReadAsync())!;

        Assert.DoesNotContain('\n', first.Data!);
        Assert.Equal("line one\nline two", first.Json.GetProperty("note").GetString());
    }

    private static string[] Names(JsonElement json) => [.. json.EnumerateObject().Select(property => property.Name).Order(StringComparer.Ordinal)];

    private static List<string> Distinct(IEnumerable<string> statuses)
    {
        var distinct = new List<string>();
        foreach (var status in statuses)
        {
            if (distinct.Count == 0 || distinct[^1] != status)
            {
                distinct.Add(status);
            }
        }

        return distinct;
    }
}
