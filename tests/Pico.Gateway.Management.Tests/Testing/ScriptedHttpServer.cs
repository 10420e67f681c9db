using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pico.Gateway.Management.Tests.Testing;

/// <summary>
/// An HTTP server on 127.0.0.1 (an OS-assigned port) that answers each request head with the next scripted bytes, as they are,
/// so a test decides every header and framing detail. It counts connections and requests, and closes a connection after an
/// answer when the script says so.
/// </summary>
internal sealed class ScriptedHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentQueue<(string Answer, bool Close)> _script = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentBag<Socket> _sockets = [];
    private readonly Task _accepting;
    private int _connections;
    private int _requests;

    public ScriptedHttpServer()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/health");

    public int Connections => Volatile.Read(ref _connections);

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Gets the head of the last request, as sent.</summary>
    public string? LastRequestHead { get; private set; }

    /// <summary>Queues the answer to the next request; <paramref name="close"/> closes the connection once it is sent.</summary>
    public void Answer(string answer, bool close = false) => _script.Enqueue((answer, close));

    /// <summary>A JSON 200 with a Content-Length, kept alive.</summary>
    public void AnswerOk(string json = """{"status":"ok"}""", bool close = false) =>
        Answer($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(json)}\r\n\r\n{json}", close);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            _sockets.Add(socket);
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var buffer = new byte[16 * 1024];
        var filled = 0;
        try
        {
            while (true)
            {
                int end;
                while ((end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
                {
                    var read = await socket.ReceiveAsync(buffer.AsMemory(filled), _stopping.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    filled += read;
                }

                LastRequestHead = Encoding.ASCII.GetString(buffer, 0, end);
                Interlocked.Increment(ref _requests);
                buffer.AsSpan(end + 4, filled - end - 4).CopyTo(buffer);
                filled -= end + 4;
                if (!_script.TryDequeue(out var next))
                {
                    // Nothing scripted: no answer at all, as a hung gateway, until the server is disposed.
                    await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, _stopping.Token);
                }

                await socket.SendAsync(Encoding.ASCII.GetBytes(next.Answer), _stopping.Token);
                if (next.Close)
                {
                    socket.Shutdown(SocketShutdown.Both);
                    socket.Dispose();
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }
}
