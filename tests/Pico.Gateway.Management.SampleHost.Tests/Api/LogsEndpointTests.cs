using System.Net;
using System.Text.Json;
using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Api;

public sealed class LogsEndpointTests
{
    [Fact]
    public async Task Logs_before_anything_ran_are_empty_with_run_id_0()
    {
        await using var host = await TestHost.StartAsync();

        var logs = await host.GetJsonAsync("/api/gateway/logs");

        Assert.Empty(logs.GetProperty("logs").EnumerateArray());
        Assert.Equal(0, logs.GetProperty("log_total").GetInt64());
        Assert.Equal(0, logs.GetProperty("log_run_id").GetInt64());
        Assert.Empty(logs.GetProperty("log_streams").EnumerateArray());
        Assert.Equal(4, logs.EnumerateObject().Count());
    }

    [Fact]
    public async Task Logs_say_each_line_s_stream_in_log_streams_beside_picoclaw_s_logs_field()
    {
        await using var host = await FloodedHostAsync(lines: 2, stderrLines: 1);

        var logs = await host.GetJsonAsync("/api/gateway/logs");

        var texts = Texts(logs);
        var streams = logs.GetProperty("log_streams").EnumerateArray().Select(stream => stream.GetString()!).ToArray();
        Assert.Equal(texts.Length, streams.Length);
        Assert.Equal(3, texts.Length);
        var byText = texts.Zip(streams).ToDictionary(pair => pair.First, pair => pair.Second);
        Assert.Equal("stdout", byText["line 1"]);
        Assert.Equal("stdout", byText["line 2"]);
        Assert.Equal("stderr", byText["stderr line 1"]);
    }

    [Fact]
    public async Task Logs_follow_offsets_and_run_ids_as_the_seed_does()
    {
        await using var host = await FloodedHostAsync(lines: 5);

        Assert.Equal(["line 1", "line 2", "line 3", "line 4", "line 5"], Texts(await host.GetJsonAsync("/api/gateway/logs")));
        var page = await host.GetJsonAsync("/api/gateway/logs?log_offset=3&log_run_id=1");
        Assert.Equal(["line 4", "line 5"], Texts(page));
        Assert.Equal(5, page.GetProperty("log_total").GetInt64());
        Assert.Equal(1, page.GetProperty("log_run_id").GetInt64());

        // Another run's offset means nothing in this one: everything is sent again.
        Assert.Equal(5, Texts(await host.GetJsonAsync("/api/gateway/logs?log_offset=3&log_run_id=0")).Length);
        Assert.Empty(Texts(await host.GetJsonAsync("/api/gateway/logs?log_offset=5&log_run_id=1")));
        Assert.Empty(Texts(await host.GetJsonAsync("/api/gateway/logs?log_offset=99&log_run_id=1")));
    }

    [Theory]
    [InlineData("?log_offset=abc&log_run_id=1")]
    [InlineData("?log_offset=3&log_run_id=xyz")]
    [InlineData("?log_offset=&log_run_id=")]
    [InlineData("?log_offset=3.5&log_run_id=1")]
    [InlineData("?log_run_id=1")]
    public async Task Logs_treat_a_missing_or_non_numeric_parameter_as_absent(string query)
    {
        await using var host = await FloodedHostAsync(lines: 4);

        using var response = await host.Client.GetAsync("/api/gateway/logs" + query);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["line 1", "line 2", "line 3", "line 4"], Texts(await TestHost.ReadJsonAsync(response)));
    }

    [Fact]
    public async Task Clear_answers_cleared_with_the_new_run_id_and_empties_the_logs()
    {
        await using var host = await FloodedHostAsync(lines: 3);

        using var response = await host.PostAsync("/api/gateway/logs/clear");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await TestHost.ReadJsonAsync(response);
        Assert.Equal("cleared", body.GetProperty("status").GetString());
        Assert.Equal(0, body.GetProperty("log_total").GetInt64());
        Assert.Equal(2, body.GetProperty("log_run_id").GetInt64());
        var logs = await host.GetJsonAsync("/api/gateway/logs?log_offset=3&log_run_id=1");
        Assert.Empty(Texts(logs));
        Assert.Equal(0, logs.GetProperty("log_total").GetInt64());
        Assert.Equal(2, logs.GetProperty("log_run_id").GetInt64());
    }

    [Fact]
    public async Task A_new_start_begins_a_new_run()
    {
        await using var host = await FloodedHostAsync(lines: 2);

        using (var start = await host.PostAsync("/api/gateway/start"))
        {
            Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        }

        await host.WaitForAsync(e => e.Status == GatewayStatus.Stopped && host.Manager.Logs.RunId == 2 && host.Manager.Logs.Total == 2);
        var logs = await host.GetJsonAsync("/api/gateway/logs?log_offset=2&log_run_id=1");
        Assert.Equal(["line 1", "line 2"], Texts(logs));
        Assert.Equal(2, logs.GetProperty("log_run_id").GetInt64());
    }

    private static async Task<TestHost> FloodedHostAsync(int lines, int stderrLines = 0)
    {
        var host = await TestHost.StartAsync(settings => settings.UseChild(
            "flood",
            "--lines",
            lines.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--stderr-lines",
            stderrLines.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        try
        {
            using var start = await host.PostAsync("/api/gateway/start");
            Assert.Equal(HttpStatusCode.OK, start.StatusCode);

            // The exit is published only after the pipes drained, so every line is in the buffer by then.
            await host.WaitForAsync(e => e.LastExitCode == 0);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    private static string[] Texts(JsonElement logs) =>
        [.. logs.GetProperty("logs").EnumerateArray().Select(line => line.GetString()!)];
}
