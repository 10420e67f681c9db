using System.Net;
using System.Net.Sockets;
using System.Text;
using Pico.Gateway.Management.Health;
using Pico.Gateway.Management.Tests.Testing;

namespace Pico.Gateway.Management.Tests.Health;

/// <summary>
/// The blocking HTTP/1.1 exchange the steady probe keeps a connection for: every way a health answer can be framed, when the
/// connection may be kept, and what it refuses to read. A scripted server on loopback says each byte of the answer.
/// </summary>
public sealed class KeptHttpConnectionTests
{
    private const int MaxBody = 1024;

    [Fact]
    public async Task Answers_framed_by_length_keep_the_connection_for_the_next_request()
    {
        await using var server = new ScriptedHttpServer();
        server.AnswerOk("""{"n":1}""");
        server.AnswerOk("""{"n":22}""");
        using var connection = Connect(server.Url);

        var (first, firstKept) = await GetAsync(connection);
        var (second, secondKept) = await GetAsync(connection);

        Assert.Equal((200, "application/json", """{"n":1}""", true), (first.StatusCode, first.MediaType, first.Body, firstKept));
        Assert.Equal(("""{"n":22}""", true), (second.Body, secondKept));
        Assert.Equal((1, 2), (server.Connections, server.Requests));
    }

    [Fact]
    public async Task A_chunked_answer_with_extensions_and_trailers_is_joined_and_kept()
    {
        await using var server = new ScriptedHttpServer();
        server.Answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json; charset=utf-8\r\n\r\n"
            + "5;name=value\r\n{\"n\":\r\n2\r\n7}\r\n0\r\nX-Trailer: 1\r\n\r\n");
        server.AnswerOk();
        using var connection = Connect(server.Url);

        var (answer, kept) = await GetAsync(connection);
        var (next, _) = await GetAsync(connection);

        Assert.Equal((200, "application/json", """{"n":7}""", true), (answer.StatusCode, answer.MediaType, answer.Body, kept));
        Assert.Equal("""{"status":"ok"}""", next.Body);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}")]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}")]
    [InlineData("HTTP/1.1 200 OK\r\n\r\n{}")]
    public async Task An_answer_that_says_close_is_HTTP_1_0_or_ends_with_the_connection_is_read_and_not_kept(string answer)
    {
        await using var server = new ScriptedHttpServer();
        server.Answer(answer, close: true);
        using var connection = Connect(server.Url);

        var (read, kept) = await GetAsync(connection);

        Assert.Equal((200, "{}", false), (read.StatusCode, read.Body, kept));
    }

    [Fact]
    public async Task HTTP_1_0_with_keep_alive_is_kept_and_an_answer_without_a_body_by_its_status_is_read_as_empty()
    {
        await using var server = new ScriptedHttpServer();
        server.Answer("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\n{}");
        server.Answer("HTTP/1.1 204 No Content\r\n\r\n");
        using var connection = Connect(server.Url);

        var (first, firstKept) = await GetAsync(connection);
        var (second, secondKept) = await GetAsync(connection);

        Assert.Equal(("{}", true), (first.Body, firstKept));
        Assert.Equal((204, string.Empty, true), (second.StatusCode, second.Body, secondKept));
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n")]
    public async Task A_body_longer_than_the_limit_is_not_read_and_the_connection_is_not_kept(string answer)
    {
        await using var server = new ScriptedHttpServer();
        server.Answer(answer);
        using var connection = Connect(server.Url);

        var (read, kept) = await GetAsync(connection);

        Assert.True(read.TooLarge);
        Assert.False(kept);
    }

    [Theory]
    [InlineData("SSH-2.0-OpenSSH\r\n\r\n")]
    [InlineData("HTTP/1.1 2x0 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: many\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}")]
    public async Task What_is_not_an_HTTP_answer_it_can_read_is_a_protocol_error(string answer)
    {
        await using var server = new ScriptedHttpServer();
        server.Answer(answer, close: true);
        using var connection = Connect(server.Url);

        await Assert.ThrowsAsync<IOException>(() => GetAsync(connection));
    }

    [Fact]
    public async Task Cancellation_ends_a_read_the_gateway_never_answers()
    {
        await using var server = new ScriptedHttpServer();
        using var connection = Connect(server.Url);
        using var cancel = new CancellationTokenSource();

        var get = OwnThread.RunAsync(() => connection.Get(MaxBody, cancel.Token));
        Assert.True(SpinWait.SpinUntil(() => server.Requests == 1, TestTimeouts.Wait), "the request never arrived");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => get);
    }

    [Fact]
    public async Task Cancellation_ends_a_connect_to_a_listener_that_stopped_accepting()
    {
        // A backlog of one that nobody accepts from: Linux queues two connections, then drops SYNs, so a third connect waits
        // for SYN retries (minutes) where a hung gateway's probe must end at its deadline.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var url = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}/health");
        Assert.True(KeptHttpConnection.Serves(url, out var endpoint));
        using var first = KeptHttpConnection.Connect(url, endpoint, CancellationToken.None);
        using var second = KeptHttpConnection.Connect(url, endpoint, CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var blocked = OwnThread.RunAsync(() => KeptHttpConnection.Connect(url, endpoint, cancel.Token));
        Assert.True(SpinWait.SpinUntil(() => blocked.IsCompleted || IsSynSentTo(url.Port), TestTimeouts.Wait), "no connect was waiting");
        Assert.False(blocked.IsCompleted, "the connect to a full backlog did not wait");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked);
    }

    [Theory]
    [InlineData("http://localhost:80/health")]
    [InlineData("https://127.0.0.1:443/health")]
    [InlineData("http://10.1.2.3:80/health")]
    public void Only_plain_HTTP_to_a_loopback_address_literal_is_served(string url) =>
        Assert.False(KeptHttpConnection.Serves(new Uri(url), out _));

    [Theory]
    [InlineData("http://127.0.0.1:18790/health")]
    [InlineData("http://[::1]:18790/health")]
    public void Loopback_literals_are_served(string url)
    {
        Assert.True(KeptHttpConnection.Serves(new Uri(url), out var endpoint));
        Assert.True(IPAddress.IsLoopback(endpoint.Address));
        Assert.Equal(18790, endpoint.Port);
    }

    [Fact]
    public void A_refused_connection_is_a_socket_error()
    {
        var port = FreeLoopbackPort();
        Assert.True(KeptHttpConnection.Serves(new Uri($"http://127.0.0.1:{port}/health"), out var endpoint));

        var refused = Assert.Throws<SocketException>(() => KeptHttpConnection.Connect(new Uri($"http://127.0.0.1:{port}/health"), endpoint, CancellationToken.None));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    private static KeptHttpConnection Connect(Uri url)
    {
        Assert.True(KeptHttpConnection.Serves(url, out var endpoint));
        return KeptHttpConnection.Connect(url, endpoint, CancellationToken.None);
    }

    // The body is copied out: it is the connection's buffer, valid only until the next exchange.
    private static Task<(Answer Answer, bool Kept)> GetAsync(KeptHttpConnection connection) => OwnThread.RunAsync(() =>
    {
        var answer = connection.Get(MaxBody, CancellationToken.None);
        return (new Answer(answer.StatusCode, answer.MediaType, Encoding.UTF8.GetString(answer.Body.Span), answer.TooLarge), connection.Reusable);
    });

    // /proc/net/tcp: a socket in SYN_SENT (state 02) whose remote port is this one, i.e. a connect waiting for an answer.
    private static bool IsSynSentTo(int port)
    {
        var remote = $":{port:X4} ";
        return File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(fields => fields.Length > 3 && (fields[2] + " ").EndsWith(remote, StringComparison.Ordinal) && fields[3] == "02");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record Answer(int StatusCode, string? MediaType, string Body, bool TooLarge);
}
