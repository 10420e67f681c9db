using System.Text.Json;
using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Api;

public sealed class HistoryEndpointTests
{
    [Fact]
    public async Task History_of_a_host_that_ran_nothing_is_one_stopped_band()
    {
        await using var host = await TestHost.StartAsync();

        var history = await host.GetJsonAsync("/api/gateway/history");

        var states = States(history);
        Assert.Equal(["stopped"], states.Select(state => state.GetProperty("status").GetString()));
        Assert.Equal(0, history.GetProperty("restarts").GetInt32());
        Assert.Equal(0, history.GetProperty("crashes").GetInt32());
        Assert.Equal(900, history.GetProperty("window_seconds").GetInt32());
        Assert.False(history.TryGetProperty("process_since", out _));
    }

    [Fact]
    public async Task History_marks_a_crash_and_the_crash_restart_and_counts_them()
    {
        await using var host = await TestHost.StartAsync(settings => settings
            .UseChild("healthy", "--port", "{port}")
            .Set("Gateway:RestartPolicy", "OnFailure"));
        var firstPid = await host.StartRunningAsync();

        // A crash the manager did not ask for: this test's host started the process.
        using (var gateway = System.Diagnostics.Process.GetProcessById(firstPid))
        {
            gateway.Kill();
        }

        var restarted = await host.WaitForAsync(e => e.Status == GatewayStatus.Running && e.ProcessId is { } pid && pid != firstPid);

        var history = await host.GetJsonAsync("/api/gateway/history");
        var states = States(history);
        Assert.Equal(1, history.GetProperty("crashes").GetInt32());
        Assert.Equal(1, history.GetProperty("restarts").GetInt32());
        var crash = Assert.Single(states, state => Mark(state) == "crash");
        var restart = Assert.Single(states, state => Mark(state) == "restart");
        Assert.Equal(restarted.ProcessId, restart.GetProperty("pid").GetInt32());
        Assert.True(crash.GetProperty("at").GetDateTimeOffset() <= restart.GetProperty("at").GetDateTimeOffset());
        Assert.Equal("running", states[^1].GetProperty("status").GetString());
        Assert.Equal(restarted.ProcessId, states[^1].GetProperty("pid").GetInt32());
        Assert.True(history.GetProperty("process_since").GetDateTimeOffset() <= history.GetProperty("now").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_stop_and_a_start_are_neither_a_crash_nor_a_restart()
    {
        await using var host = await TestHost.StartAsync();
        var firstPid = await host.StartRunningAsync();
        using (var stop = await host.PostAsync("/api/gateway/stop"))
        {
            await host.WaitForStatusAsync(GatewayStatus.Stopped);
        }

        var secondPid = await host.StartRunningAsync();

        var history = await host.GetJsonAsync("/api/gateway/history");
        Assert.NotEqual(firstPid, secondPid);
        Assert.Equal(0, history.GetProperty("crashes").GetInt32());
        Assert.Equal(0, history.GetProperty("restarts").GetInt32());
        Assert.DoesNotContain(States(history), state => Mark(state) is not null);
    }

    private static JsonElement[] States(JsonElement history) => [.. history.GetProperty("states").EnumerateArray()];

    private static string? Mark(JsonElement state) => state.TryGetProperty("mark", out var mark) ? mark.GetString() : null;
}
