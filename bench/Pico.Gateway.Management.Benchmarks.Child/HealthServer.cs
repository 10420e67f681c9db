using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Pico.Gateway.Management.Benchmarks.Child;

/// <summary>
/// A minimal HTTP/1.1 health endpoint on blocking sockets (a thread per connection, keep-alive), so that its own latency is
/// a few microseconds and nothing in it polls. SIGTERM or SIGINT ends it with exit code 0.
/// </summary>
internal static class HealthServer
{
    private static readonly byte[] Healthy = Encoding.ASCII.GetBytes(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{\"status\":\"ok\"}");

    private static readonly byte[] NotFound = Encoding.ASCII.GetBytes(
        "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");

    private static int _answered;
    private static int _bodyBytes;
    private static long _sequence;

    // When the first connection was accepted and its first request read: written after the first 200, so they never delay it.
    private static long _firstAccepted;
    private static long _firstRead;
    private static long _acceptCalled;

    /// <param name="port">The loopback port to listen on.</param>
    /// <param name="stamps">Where to write the listen and first-200 stamps.</param>
    /// <param name="bodyBytes">
    /// 0: the fixed 15-byte body. More: a body of about that size that differs on every answer (<c>seq</c>, and <c>t</c>, the
    /// CLOCK_MONOTONIC nanoseconds of the answer); every second such answer is a 503, so every probe changes the gateway's
    /// state (running, error, running, ...) and the supervisor publishes a snapshot each time, every other one that big (a
    /// changed healthy body alone is not a state change, and publishes nothing).
    /// </param>
    public static int Run(int port, Stamps stamps, int bodyBytes = 0)
    {
        _bodyBytes = bodyBytes;
        using var shutdown = new ManualResetEventSlim();
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Shutdown(context, shutdown));
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Shutdown(context, shutdown));

        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(512);
        stamps.Write("listen", Stamps.Now());

        var acceptor = new Thread(() => Accept(listener, stamps)) { IsBackground = true, Name = "accept" };
        acceptor.Start();
        shutdown.Wait();
        stamps.Write("term", Stamps.Now());
        return 0;
    }

    private static byte[] BigHealthy(long now)
    {
        var sequence = Interlocked.Increment(ref _sequence);
        var body = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{{\"status\":\"ok\",\"seq\":{sequence},\"t\":{now},\"pad\":\"{new string('x', _bodyBytes)}\"}}");
        return Encoding.ASCII.GetBytes(string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"HTTP/1.1 {(sequence % 2 == 1 ? "200 OK" : "503 Service Unavailable")}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}"));
    }

    private static void Shutdown(PosixSignalContext context, ManualResetEventSlim shutdown)
    {
        context.Cancel = true;
        shutdown.Set();
    }

    private static void Accept(Socket listener, Stamps stamps)
    {
        _acceptCalled = Stamps.Now();
        while (true)
        {
            Socket connection;
            try
            {
                connection = listener.Accept();
                if (_firstAccepted == 0)
                {
                    _firstAccepted = Stamps.Now();
                }
            }
            catch (SocketException)
            {
                continue;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            connection.NoDelay = true;
            var serve = new Thread(() => Serve(connection, stamps), 128 * 1024) { IsBackground = true, Name = "connection" };
            serve.Start();
        }
    }

    private static void Serve(Socket connection, Stamps stamps)
    {
        using (connection)
        {
            var buffer = new byte[8192];
            var filled = 0;
            try
            {
                while (true)
                {
                    var end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
                    if (end < 0)
                    {
                        if (filled == buffer.Length)
                        {
                            return;
                        }

                        var read = connection.Receive(buffer, filled, buffer.Length - filled, SocketFlags.None);
                        if (read <= 0)
                        {
                            return;
                        }

                        filled += read;
                        continue;
                    }

                    if (_firstRead == 0)
                    {
                        _firstRead = Stamps.Now();
                    }

                    var head = buffer.AsSpan(0, end);
                    if (head.StartsWith("GET /flood?lines="u8))
                    {
                        // A flood on demand, so a supervisor's memory can be measured idle, right after and long after, with the gateway running throughout.
                        var digits = head["GET /flood?lines="u8.Length..];
                        var lines = int.Parse(Encoding.ASCII.GetString(digits[..digits.IndexOf((byte)' ')]), System.Globalization.CultureInfo.InvariantCulture);
                        lock (Healthy)
                        {
                            Flood.Write(lines, perLineWrites: false);
                        }

                        connection.Send(Healthy);
                        var rest = end + 4;
                        buffer.AsSpan(rest, filled - rest).CopyTo(buffer);
                        filled -= rest;
                        continue;
                    }

                    var healthy = head.StartsWith("GET /health "u8);
                    // Stamped as the answer is handed to the kernel: after the send, this thread may run only once the probe has its answer.
                    var sent = Stamps.Now();
                    connection.Send(healthy ? (_bodyBytes > 0 ? BigHealthy(sent) : Healthy) : NotFound);
                    if (healthy && Interlocked.Exchange(ref _answered, 1) == 0)
                    {
                        stamps.Write("first200", sent);
                        stamps.Write("accepted", _firstAccepted);
                        stamps.Write("read", _firstRead);
                        stamps.Write("acceptCalled", _acceptCalled);
                    }

                    var consumed = end + 4;
                    buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                    filled -= consumed;
                }
            }
            catch (SocketException)
            {
            }
        }
    }
}
