using Pico.Gateway.Management.Health;
using Pico.Gateway.Management.Tests.Testing;

namespace Pico.Gateway.Management.Tests.Health;

/// <summary>
/// Which way the default probe asks: blocking on a kept connection from a thread of its own (the manager's steady ticks), through
/// <see cref="HttpClient"/> from a pool thread, which it never blocks. A kept connection the gateway closed meanwhile costs a
/// probe nothing: it is asked again on a new one.
/// </summary>
public sealed class HttpHealthProbePathTests
{
    [Fact]
    public async Task From_its_own_thread_the_probe_keeps_one_connection_across_probes()
    {
        await using var server = new ScriptedHttpServer();
        server.AnswerOk("""{"n":1}""");
        server.AnswerOk("""{"n":2}""");
        using var probe = new HttpHealthProbe();

        var first = await OwnThread.RunAsync(() => Probe(probe, server));
        var second = await OwnThread.RunAsync(() => Probe(probe, server));

        Assert.Equal((HealthProbeOutcome.Healthy, 1), (first.Outcome, first.Details!["n"].GetInt32()));
        Assert.Equal((HealthProbeOutcome.Healthy, 2), (second.Outcome, second.Details!["n"].GetInt32()));
        Assert.Equal(server.Url, second.AnsweredUrl);
        Assert.Equal((1, 2), (server.Connections, server.Requests));
        Assert.Contains("User-Agent: Pico.Gateway.Management", server.LastRequestHead, StringComparison.Ordinal);
    }

    [Fact]
    public async Task From_a_pool_thread_the_probe_asks_through_HttpClient_and_blocks_nothing()
    {
        await using var server = new ScriptedHttpServer();
        server.AnswerOk();
        using var probe = new HttpHealthProbe();

        var result = await Task.Run(() => probe.ProbeAsync(Context(server), CancellationToken.None).AsTask()).WaitAsync(TestTimeouts.Wait);

        Assert.Equal(HealthProbeOutcome.Healthy, result.Outcome);
        Assert.DoesNotContain("Pico.Gateway.Management", server.LastRequestHead, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kept_connection_the_gateway_closed_is_replaced_within_the_same_probe()
    {
        await using var server = new ScriptedHttpServer();
        server.AnswerOk("""{"n":1}""", close: true);
        server.AnswerOk("""{"n":2}""");
        using var probe = new HttpHealthProbe();

        var first = await OwnThread.RunAsync(() => Probe(probe, server));
        var second = await OwnThread.RunAsync(() => Probe(probe, server));

        Assert.Equal(1, first.Details!["n"].GetInt32());
        Assert.Equal((HealthProbeOutcome.Healthy, 2), (second.Outcome, second.Details!["n"].GetInt32()));
        Assert.Equal(2, server.Connections);
    }

    [Theory]
    [InlineData(true, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\nHealthy", HealthProbeOutcome.Unhealthy)]
    [InlineData(false, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\nHealthy", HealthProbeOutcome.Healthy)]
    [InlineData(false, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n", HealthProbeOutcome.Unhealthy)]
    [InlineData(false, "HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n", HealthProbeOutcome.Unhealthy)]
    public async Task Both_ways_judge_an_answer_alike(bool strict, string answer, HealthProbeOutcome outcome)
    {
        await using var server = new ScriptedHttpServer();
        server.Answer(answer, close: true);
        server.Answer(answer, close: true);
        using var probe = new HttpHealthProbe();

        var kept = await OwnThread.RunAsync(() => Probe(probe, server, strict));
        var client = await Task.Run(() => probe.ProbeAsync(Context(server) with { Strict = strict }, CancellationToken.None).AsTask()).WaitAsync(TestTimeouts.Wait);

        Assert.Equal(outcome, kept.Outcome);
        Assert.Equal(
            (client.Outcome, client.StatusCode, client.Description, client.Text, client.CannotBecomeHealthy),
            (kept.Outcome, kept.StatusCode, kept.Description, kept.Text, kept.CannotBecomeHealthy));
    }

    [Fact]
    public async Task A_closed_port_is_unreachable_with_connection_refused()
    {
        using var probe = new HttpHealthProbe();
        Uri url;
        await using (var server = new ScriptedHttpServer())
        {
            url = server.Url;
        }

        var result = await OwnThread.RunAsync(() => probe.ProbeAsync(new HealthProbeContext(url, 1, GatewayStatus.Running), CancellationToken.None).AsTask().Result);

        Assert.Equal((HealthProbeOutcome.Unreachable, "connection refused"), (result.Outcome, result.Description));
    }

    private static HealthProbeContext Context(ScriptedHttpServer server) => new(server.Url, 1, GatewayStatus.Running);

    // On a thread of its own the probe completes before it returns: a ValueTask that is already done.
    private static HealthProbeResult Probe(HttpHealthProbe probe, ScriptedHttpServer server, bool strict = false)
    {
        var pending = probe.ProbeAsync(Context(server) with { Strict = strict }, CancellationToken.None).AsTask();
        Assert.True(pending.IsCompleted, "the probe went asynchronous on a thread of its own");
        return pending.Result;
    }
}
