using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.DemoGateway;

/// <summary>
/// The demo gateway keeps a connection for the next request, as picoclaw's Go server does, so the host's health probe reuses
/// one connection instead of opening one per tick; it closes when the client asks, when a request has a body it does not
/// read, and for HTTP/1.0. Real process, raw HTTP over loopback, so every header is the gateway's own.
/// </summary>
public sealed class DemoGatewayKeepAliveTests
{
    [Fact]
    public async Task Requests_one_after_another_and_pipelined_are_answered_on_one_connection()
    {
        using var workspace = new TestWorkspace();
        using var gateway = await workspace.StartHandStartedGatewayAsync();
        using var client = await ConnectAsync(workspace.GatewayPort);
        var stream = client.GetStream();

        await SendAsync(stream, "GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n");
        var first = await ReadResponseAsync(stream);
        await SendAsync(stream, "GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n");
        var second = await ReadResponseAsync(stream);
        await SendAsync(stream, "GET /health HTTP/1.1\r\nHost: gateway\r\n\r\nGET /nothing HTTP/1.1\r\nHost: gateway\r\n\r\n");
        var third = await ReadResponseAsync(stream);
        var fourth = await ReadResponseAsync(stream);

        Assert.Equal([200, 200, 200, 404], [first.Status, second.Status, third.Status, fourth.Status]);
        Assert.All([first, second, third, fourth], response => Assert.Equal("keep-alive", response.Connection));
        Assert.Contains($"\"pid\":{gateway.Id}", second.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET /health HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n", 200)]
    [InlineData("GET /health HTTP/1.0\r\n\r\n", 200)]
    [InlineData("POST /health HTTP/1.1\r\nHost: gateway\r\nContent-Length: 2\r\n\r\n{}", 405)]
    public async Task A_client_that_asks_to_close_an_HTTP_1_0_request_or_one_with_a_body_gets_its_answer_and_the_end_of_the_connection(
        string request, int status)
    {
        using var workspace = new TestWorkspace();
        using var gateway = await workspace.StartHandStartedGatewayAsync();
        using var client = await ConnectAsync(workspace.GatewayPort);
        var stream = client.GetStream();

        await SendAsync(stream, request);
        var response = await ReadResponseAsync(stream);

        Assert.Equal((status, "close"), (response.Status, response.Connection));
        Assert.Equal(0, await stream.ReadAsync(new byte[1]).AsTask().WaitAsync(TestTimeouts.Wait));
    }

    private static async Task<TcpClient> ConnectAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TestTimeouts.Wait);
        return client;
    }

    private static Task SendAsync(NetworkStream stream, string text) =>
        stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask().WaitAsync(TestTimeouts.Wait);

    // Reads exactly one response (head, then Content-Length bytes of body), leaving any next one in the stream.
    private static async Task<Response> ReadResponseAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            Assert.True(await stream.ReadAsync(one).AsTask().WaitAsync(TestTimeouts.Wait) == 1, $"the connection ended inside a head: {head}");
            head.Append((char)one[0]);
        }

        var lines = head.ToString().Split("\r\n");
        string? Header(string name) => lines.Skip(1)
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2 && string.Equals(parts[0].Trim(), name, StringComparison.OrdinalIgnoreCase))
            .Select(parts => parts[1].Trim())
            .FirstOrDefault();
        var body = new byte[int.Parse(Header("Content-Length") ?? "0", CultureInfo.InvariantCulture)];
        await stream.ReadExactlyAsync(body).AsTask().WaitAsync(TestTimeouts.Wait);
        return new Response(int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture), Header("Connection"), Encoding.UTF8.GetString(body));
    }

    private sealed record Response(int Status, string? Connection, string Body);
}
