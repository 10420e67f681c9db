using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pico.Gateway.Management.TinyHttp;

// ASP.NET Core would cost far more start-up time and memory: the demo gateway is benchmarked, and tests start the test child many times.
internal sealed class TinyHttpServer : IAsyncDisposable
{
    private const int MaxHeadBytes = 16 * 1024;
    private static readonly TimeSpan HeadReadTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener;
    private readonly Func<HttpRequestHead, HttpReply> _respond;
    private readonly bool _keepAlive;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _acceptLoop;

    private TinyHttpServer(TcpListener listener, Func<HttpRequestHead, HttpReply> respond, bool keepAlive)
    {
        _listener = listener;
        _respond = respond;
        _keepAlive = keepAlive;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Listens on <paramref name="address"/>:<paramref name="port"/> (0: the OS picks) and answers each request with <paramref name="respond"/>.</summary>
    /// <param name="address">The address to listen on.</param>
    /// <param name="port">The port, or 0.</param>
    /// <param name="respond">The reply to a request's method and target.</param>
    /// <param name="keepAlive">
    /// Answer more than one request per connection, as picoclaw's Go server does, so a client that polls (a health probe every
    /// few seconds) keeps one connection instead of opening one per request. Without it every reply says <c>Connection: close</c>.
    /// </param>
    public static TinyHttpServer Start(IPAddress address, int port, Func<HttpRequestHead, HttpReply> respond, bool keepAlive = false)
    {
        var listener = new TcpListener(address, port);
        listener.Start();
        return new TinyHttpServer(listener, respond, keepAlive);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // A peer that resets before accept completes must not end the server.
                continue;
            }

            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var stream = new NetworkStream(socket, ownsSocket: true);

        // One deadline per request, re-armed for the next; a kept connection that stays quiet that long is closed.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var buffer = new byte[MaxHeadBytes];
        var filled = 0;
        try
        {
            socket.NoDelay = true;
            while (true)
            {
                timeout.CancelAfter(HeadReadTimeout);
                (var head, var headLength, filled) = await ReadHeadAsync(stream, buffer, filled, timeout.Token);
                if (head is not { } request)
                {
                    return;
                }

                var reply = request.Request.Method.Length == 0 ? new HttpReply(400, """{"error":"bad request"}""") : _respond(request.Request);
                var keep = _keepAlive && request.KeepAlive && reply.AfterSent is null;
                await stream.WriteAsync(Encode(reply, keep), timeout.Token);
                if (!keep)
                {
                    // Closing with unread request bytes would send RST and could discard the response before the client reads it.
                    socket.Shutdown(SocketShutdown.Send);
                    reply.AfterSent?.Invoke();
                    return;
                }

                // A client may have sent its next request already (pipelining): keep what followed this one's head.
                filled -= headLength;
                buffer.AsSpan(headLength, filled).CopyTo(buffer);
            }
        }
        catch (IOException)
        {
        }
        catch (SocketException)
        {
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Reads until a whole head is in <paramref name="buffer"/>, which holds <paramref name="filled"/> bytes already: the parsed
    /// head (null at end of stream), its length, and how many bytes the buffer holds now.
    /// </summary>
    private static async Task<(ParsedHead? Head, int Length, int Filled)> ReadHeadAsync(NetworkStream stream, byte[] buffer, int filled, CancellationToken cancellationToken)
    {
        var searchFrom = 0;
        while (true)
        {
            var end = buffer.AsSpan(searchFrom, filled - searchFrom).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var length = searchFrom + end + 4;
                return (ParseHead(buffer.AsSpan(0, length)), length, filled);
            }

            if (filled == buffer.Length)
            {
                return (new ParsedHead(new HttpRequestHead(string.Empty, string.Empty), KeepAlive: false), filled, filled);
            }

            searchFrom = Math.Max(0, filled - 3);
            var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                return (null, 0, filled);
            }

            filled += read;
        }
    }

    private static ParsedHead ParseHead(ReadOnlySpan<byte> head)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        var line = head[..lineEnd];
        var firstSpace = line.IndexOf((byte)' ');
        var lastSpace = line.LastIndexOf((byte)' ');
        if (firstSpace <= 0 || lastSpace <= firstSpace + 1)
        {
            return new ParsedHead(new HttpRequestHead(string.Empty, string.Empty), KeepAlive: false);
        }

        var request = new HttpRequestHead(
            Encoding.ASCII.GetString(line[..firstSpace]),
            Encoding.ASCII.GetString(line[(firstSpace + 1)..lastSpace]));

        // Kept only for HTTP/1.1 without a body (this server never reads one) and without "Connection: close".
        var keepAlive = line[(lastSpace + 1)..].SequenceEqual("HTTP/1.1"u8);
        foreach (var range in head[(lineEnd + 2)..].Split("\r\n"u8))
        {
            var field = head[(lineEnd + 2)..][range];
            var colon = field.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            var name = field[..colon].Trim((byte)' ');
            var value = field[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8)
                || (Ascii.EqualsIgnoreCase(name, "Content-Length"u8) && !value.SequenceEqual("0"u8))
                || (Ascii.EqualsIgnoreCase(name, "Connection"u8) && Ascii.EqualsIgnoreCase(value, "close"u8)))
            {
                keepAlive = false;
            }
        }

        return new ParsedHead(request, keepAlive);
    }

    private static byte[] Encode(HttpReply reply, bool keepAlive)
    {
        var body = Encoding.UTF8.GetBytes(reply.JsonBody);
        var connection = keepAlive ? "keep-alive" : "close";
        var head = string.Create(
            CultureInfo.InvariantCulture,
            $"HTTP/1.1 {reply.StatusCode} {ReasonPhrase(reply.StatusCode)}\r\nContent-Type: {reply.ContentType}\r\nContent-Length: {body.Length}\r\nConnection: {connection}\r\n\r\n");
        var message = new byte[Encoding.ASCII.GetByteCount(head) + body.Length];
        var written = Encoding.ASCII.GetBytes(head, message);
        body.CopyTo(message, written);
        return message;
    }

    private readonly record struct ParsedHead(HttpRequestHead Request, bool KeepAlive);

    private static string ReasonPhrase(int statusCode) => statusCode switch
    {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    };
}
