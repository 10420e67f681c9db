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
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _acceptLoop;

    private TinyHttpServer(TcpListener listener, Func<HttpRequestHead, HttpReply> respond)
    {
        _listener = listener;
        _respond = respond;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static TinyHttpServer Start(IPAddress address, int port, Func<HttpRequestHead, HttpReply> respond)
    {
        var listener = new TcpListener(address, port);
        listener.Start();
        return new TinyHttpServer(listener, respond);
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
        using var timeout = new CancellationTokenSource(HeadReadTimeout);
        try
        {
            socket.NoDelay = true;
            var head = await ReadHeadAsync(stream, timeout.Token);
            if (head is not { } request)
            {
                return;
            }

            var reply = request.Method.Length == 0 ? new HttpReply(400, """{"error":"bad request"}""") : _respond(request);
            await stream.WriteAsync(Encode(reply), timeout.Token);

            // Closing with unread request bytes would send RST and could discard the response before the client reads it.
            socket.Shutdown(SocketShutdown.Send);
            reply.AfterSent?.Invoke();
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

    private static async Task<HttpRequestHead?> ReadHeadAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxHeadBytes];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                return null;
            }

            var searchFrom = Math.Max(0, filled - 3);
            filled += read;
            if (buffer.AsSpan(searchFrom, filled - searchFrom).IndexOf("\r\n\r\n"u8) >= 0)
            {
                return ParseRequestLine(buffer.AsSpan(0, filled));
            }
        }

        return new HttpRequestHead(string.Empty, string.Empty);
    }

    private static HttpRequestHead ParseRequestLine(ReadOnlySpan<byte> head)
    {
        var line = head[..head.IndexOf("\r\n"u8)];
        var firstSpace = line.IndexOf((byte)' ');
        var lastSpace = line.LastIndexOf((byte)' ');
        if (firstSpace <= 0 || lastSpace <= firstSpace + 1)
        {
            return new HttpRequestHead(string.Empty, string.Empty);
        }

        return new HttpRequestHead(
            Encoding.ASCII.GetString(line[..firstSpace]),
            Encoding.ASCII.GetString(line[(firstSpace + 1)..lastSpace]));
    }

    private static byte[] Encode(HttpReply reply)
    {
        var body = Encoding.UTF8.GetBytes(reply.JsonBody);
        var head = string.Create(
            CultureInfo.InvariantCulture,
            $"HTTP/1.1 {reply.StatusCode} {ReasonPhrase(reply.StatusCode)}\r\nContent-Type: {reply.ContentType}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        var message = new byte[Encoding.ASCII.GetByteCount(head) + body.Length];
        var written = Encoding.ASCII.GetBytes(head, message);
        body.CopyTo(message, written);
        return message;
    }

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
