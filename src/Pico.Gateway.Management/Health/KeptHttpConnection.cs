using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pico.Gateway.Management.Health;

/// <summary>
/// One HTTP/1.1 connection to a health URL on a loopback address, kept from one steady probe to the next and used blocking from
/// the manager's own tick thread. The steady tick then wakes one thread: no pool worker, no sockets' event thread, no timer
/// dispatch, where <see cref="HttpClient"/> hops through all three even when called synchronously (it connects and completes
/// reads asynchronously). It speaks the part of HTTP/1.1 a health answer needs: a GET, the status, <c>Content-Type</c>, a body
/// framed by <c>Content-Length</c>, chunks, or the end of the connection; anything else is a protocol error.
/// </summary>
internal sealed class KeptHttpConnection : IDisposable
{
    private const int MaxHeadBytes = 16 * 1024;
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

    private readonly Socket _socket;
    private readonly byte[] _request;
    private readonly byte[] _buffer = new byte[MaxHeadBytes];
    private byte[] _body = new byte[4 * 1024];
    private int _start;
    private int _end;

    private KeptHttpConnection(Socket socket, Uri url)
    {
        _socket = socket;
        Url = url;
        _request = Encoding.ASCII.GetBytes(
            $"GET {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nAccept: application/json\r\nUser-Agent: Pico.Gateway.Management\r\n\r\n");
    }

    /// <summary>Gets the URL this connection asks.</summary>
    public Uri Url { get; }

    /// <summary>Gets a value indicating whether the last exchange left the connection usable for the next one.</summary>
    public bool Reusable { get; private set; }

    /// <summary>Whether <paramref name="url"/> can be asked this way: plain HTTP to a loopback address literal, where a connect never waits.</summary>
    public static bool Serves(Uri url, out IPEndPoint endpoint)
    {
        endpoint = null!;
        if (!string.Equals(url.Scheme, Uri.UriSchemeHttp, StringComparison.Ordinal)
            || !IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var address)
            || !IPAddress.IsLoopback(address))
        {
            return false;
        }

        endpoint = new IPEndPoint(address, url.Port);
        return true;
    }

    /// <summary>
    /// Connects, blocking: a refused connection throws <see cref="SocketException"/> at once on loopback. A listener that stopped
    /// accepting (its backlog full) leaves the connect waiting for SYN retries, so cancellation closes the socket here too.
    /// </summary>
    /// <exception cref="SocketException">The connection failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> ended the wait.</exception>
    public static KeptHttpConnection Connect(Uri url, IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using (CloseOnCancel(socket, cancellationToken))
            {
                socket.Connect(endpoint);
            }

            return new KeptHttpConnection(socket, url);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is SocketException or ObjectDisposedException)
        {
            socket.Dispose();
            throw new OperationCanceledException(cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends the GET and reads the answer. The body is read up to <paramref name="maxBodyBytes"/>; a longer one is
    /// <see cref="HttpAnswer.TooLarge"/> and ends the connection. Cancellation closes the socket, which ends a blocked read.
    /// </summary>
    /// <exception cref="SocketException">The connection failed.</exception>
    /// <exception cref="IOException">The peer closed the connection, or the answer is not HTTP/1.x this can read.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> ended the exchange.</exception>
    public HttpAnswer Get(int maxBodyBytes, CancellationToken cancellationToken)
    {
        Reusable = false;
        using var closeOnCancel = CloseOnCancel(_socket, cancellationToken);
        try
        {
            _socket.Send(_request);
            return ReadAnswer(maxBodyBytes);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is SocketException or ObjectDisposedException or IOException)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    public void Dispose() => _socket.Dispose();

    // A blocking connect, send or receive observes no token: closing the socket is what ends it.
    private static CancellationTokenRegistration CloseOnCancel(Socket socket, CancellationToken cancellationToken) =>
        cancellationToken.UnsafeRegister(static socket => ((Socket)socket!).Dispose(), socket);

    private HttpAnswer ReadAnswer(int maxBodyBytes)
    {
        int headLength;
        while ((headLength = _buffer.AsSpan(_start, _end - _start).IndexOf(HeadEnd)) < 0)
        {
            if (_start == 0 && _end == _buffer.Length)
            {
                throw new IOException("the health check answer's head is longer than 16 KiB");
            }

            if (Fill() == 0)
            {
                throw new IOException(_end == _start ? "the connection was closed before an answer" : "the connection was closed inside the answer's head");
            }
        }

        var head = _buffer.AsSpan(_start, headLength + 2);
        _start += headLength + HeadEnd.Length;
        var lineEnd = head.IndexOf("\r\n"u8);
        var statusLine = head[..lineEnd];
        if (!statusLine.StartsWith("HTTP/1."u8) || statusLine.Length < 12 || statusLine[8] != (byte)' '
            || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out int statusCode, out var consumed) || consumed != 3)
        {
            throw new IOException("the health check answer is not HTTP/1.x");
        }

        var keepAlive = statusLine[7] == (byte)'1';
        long? contentLength = null;
        var chunked = false;
        string? mediaType = null;
        var fields = head[(lineEnd + 2)..];
        while (fields.Length > 0)
        {
            var end = fields.IndexOf("\r\n"u8);
            var field = end < 0 ? fields : fields[..end];
            fields = end < 0 ? [] : fields[(end + 2)..];
            var colon = field.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            var name = field[..colon];
            var value = field[(colon + 1)..].Trim((byte)' ').Trim((byte)'\t');
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!Utf8Parser.TryParse(value, out long length, out var used) || used != value.Length || length < 0)
                {
                    throw new IOException("the health check answer's Content-Length is not a number");
                }

                contentLength = length;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                chunked = Ascii.EqualsIgnoreCase(value, "chunked"u8);
                if (!chunked)
                {
                    throw new IOException("the health check answer's Transfer-Encoding is not chunked");
                }
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                keepAlive = Ascii.EqualsIgnoreCase(value, "close"u8) ? false : keepAlive || Ascii.EqualsIgnoreCase(value, "keep-alive"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Content-Type"u8))
            {
                var semicolon = value.IndexOf((byte)';');
                mediaType = Encoding.ASCII.GetString((semicolon < 0 ? value : value[..semicolon]).Trim((byte)' '));
            }
        }

        int bodyLength;
        if (statusCode is (>= 100 and < 200) or 204 or 304)
        {
            bodyLength = 0;
        }
        else if (chunked)
        {
            if (ReadChunked(maxBodyBytes) is not { } length)
            {
                return new HttpAnswer(statusCode, mediaType, default, TooLarge: true);
            }

            bodyLength = length;
        }
        else if (contentLength is { } declared)
        {
            if (declared > maxBodyBytes)
            {
                return new HttpAnswer(statusCode, mediaType, default, TooLarge: true);
            }

            bodyLength = (int)declared;
            EnsureBody(bodyLength);
            ReadExactly(_body.AsSpan(0, bodyLength));
        }
        else
        {
            // Framed by the end of the connection: whatever comes until the peer closes, and the connection is not kept.
            if (ReadToEnd(maxBodyBytes) is not { } length)
            {
                return new HttpAnswer(statusCode, mediaType, default, TooLarge: true);
            }

            bodyLength = length;
            keepAlive = false;
        }

        Reusable = keepAlive;
        return new HttpAnswer(statusCode, mediaType, _body.AsMemory(0, bodyLength), TooLarge: false);
    }

    private int? ReadChunked(int maxBodyBytes)
    {
        var length = 0;
        while (true)
        {
            var line = ReadLine();
            var semicolon = line.IndexOf((byte)';');
            var size = (semicolon < 0 ? line : line[..semicolon]).Trim((byte)' ');
            if (!Utf8Parser.TryParse(size, out long chunk, out var used, 'X') || used != size.Length || chunk < 0)
            {
                throw new IOException("the health check answer has a malformed chunk");
            }

            if (chunk == 0)
            {
                // Trailer fields, if any, up to the empty line.
                while (ReadLine().Length > 0)
                {
                }

                return length;
            }

            if (length + chunk > maxBodyBytes)
            {
                return null;
            }

            EnsureBody(length + (int)chunk);
            ReadExactly(_body.AsSpan(length, (int)chunk));
            length += (int)chunk;
            if (ReadLine().Length != 0)
            {
                throw new IOException("the health check answer has a malformed chunk");
            }
        }
    }

    private int? ReadToEnd(int maxBodyBytes)
    {
        var length = 0;
        while (true)
        {
            if (_start == _end && Fill() == 0)
            {
                return length;
            }

            var available = _end - _start;
            if (length + available > maxBodyBytes)
            {
                return null;
            }

            EnsureBody(length + available);
            _buffer.AsSpan(_start, available).CopyTo(_body.AsSpan(length));
            length += available;
            _start = _end;
        }
    }

    // The bytes of the line, without its CRLF; valid until the next read.
    private ReadOnlySpan<byte> ReadLine()
    {
        int end;
        while ((end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
        {
            if ((_start == 0 && _end == _buffer.Length) || Fill() == 0)
            {
                throw new IOException("the health check answer has a malformed chunk");
            }
        }

        var line = _buffer.AsSpan(_start, end);
        _start += end + 2;
        return line;
    }

    private void ReadExactly(Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            if (_start == _end && Fill() == 0)
            {
                throw new IOException("the connection was closed inside the answer's body");
            }

            var taken = Math.Min(destination.Length, _end - _start);
            _buffer.AsSpan(_start, taken).CopyTo(destination);
            _start += taken;
            destination = destination[taken..];
        }
    }

    // Moves what is unread to the front, then reads once more: the number of bytes read, 0 at the end of the connection.
    private int Fill()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        var read = _socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
        _end += read;
        return read;
    }

    private void EnsureBody(int length)
    {
        if (_body.Length < length)
        {
            Array.Resize(ref _body, Math.Max(length, _body.Length * 2));
        }
    }
}
