using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pico.Gateway.Management.SampleHost.Tests.Fuzz;

/// <summary>An HTTP/1.1 answer as read off a raw socket.</summary>
internal sealed record RawHttpResponse(int StatusCode, string Head, byte[] Body)
{
    public bool IsEventStream => Head.Contains("content-type: text/event-stream", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Writes arbitrary bytes to a fresh loopback connection and reads the answer back, however the server frames it
/// (Content-Length, chunked, or until it closes). Interim 1xx answers are skipped; an event stream is not read past its head.
/// </summary>
internal static class RawHttpExchange
{
    private const int MaxHeadBytes = 64 * 1024;

    public static async Task<Socket> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="request"/> and reads one answer; null when the server closed without answering.</summary>
    public static async Task<RawHttpResponse?> SendAsync(int port, byte[] request, bool headRequest, CancellationToken cancellationToken)
    {
        using var socket = await ConnectAsync(port, cancellationToken);
        try
        {
            await socket.SendAsync(request, SocketFlags.None, cancellationToken);
        }
        catch (SocketException)
        {
            // The server may answer (431, 400) and close before it has read everything: the answer is still there to read.
        }

        return await ReadResponseAsync(socket, headRequest, cancellationToken);
    }

    /// <summary>Writes the first <paramref name="count"/> bytes, then drops the connection: a reset, or a plain close.</summary>
    public static async Task SendPartAndDropAsync(int port, byte[] request, int count, bool reset, CancellationToken cancellationToken)
    {
        using var socket = await ConnectAsync(port, cancellationToken);
        try
        {
            await socket.SendAsync(request.AsMemory(0, count), SocketFlags.None, cancellationToken);
        }
        catch (SocketException)
        {
        }

        if (reset)
        {
            socket.LingerState = new LingerOption(enable: true, seconds: 0);
        }

        socket.Close();
    }

    public static async Task<RawHttpResponse?> ReadResponseAsync(Socket socket, bool headRequest, CancellationToken cancellationToken)
    {
        var buffer = new List<byte>();
        var chunk = new byte[16 * 1024];
        var closed = false;

        async Task<bool> FillAsync()
        {
            if (closed)
            {
                return false;
            }

            int read;
            try
            {
                read = await socket.ReceiveAsync(chunk, SocketFlags.None, cancellationToken);
            }
            catch (SocketException)
            {
                read = 0;
            }

            if (read == 0)
            {
                closed = true;
                return false;
            }

            buffer.AddRange(chunk.AsSpan(0, read));
            return true;
        }

        while (true)
        {
            int headEnd;
            while ((headEnd = IndexOf(buffer, "\r\n\r\n"u8)) < 0)
            {
                if (buffer.Count > MaxHeadBytes || !await FillAsync())
                {
                    return null;
                }
            }

            var head = Encoding.Latin1.GetString([.. buffer.GetRange(0, headEnd)]);
            buffer.RemoveRange(0, headEnd + 4);
            var statusCode = ParseStatusCode(head);
            if (statusCode is null)
            {
                return null;
            }

            if (statusCode is >= 100 and < 200)
            {
                continue;
            }

            var response = new RawHttpResponse(statusCode.Value, head, []);
            if (headRequest || statusCode is 204 or 304 || response.IsEventStream)
            {
                return response;
            }

            if (HeaderValue(head, "Content-Length") is { } lengthText && int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                while (buffer.Count < length && await FillAsync())
                {
                }

                return response with { Body = [.. buffer.Take(length)] };
            }

            if (HeaderValue(head, "Transfer-Encoding") is { } encoding && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                while (IndexOf(buffer, "\r\n0\r\n\r\n"u8) < 0 && !StartsWith(buffer, "0\r\n\r\n"u8) && await FillAsync())
                {
                }

                return response with { Body = Dechunk([.. buffer]) };
            }

            while (await FillAsync())
            {
            }

            return response with { Body = [.. buffer] };
        }
    }

    /// <summary>
    /// Reads an event stream's head and its first message (the snapshot it sends at once). Returns the status code, and whether the
    /// first message arrived; an answer that is not an event stream is returned as read so far.
    /// </summary>
    public static async Task<(int? StatusCode, bool FirstMessage)> ReadEventStreamStartAsync(Socket socket, CancellationToken cancellationToken)
    {
        var received = new List<byte>();
        var chunk = new byte[4096];
        int? statusCode = null;
        while (true)
        {
            var headEnd = IndexOf(received, "\r\n\r\n"u8);
            if (headEnd >= 0)
            {
                var head = Encoding.Latin1.GetString([.. received.GetRange(0, headEnd)]);
                statusCode ??= ParseStatusCode(head);
                if (!head.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
                {
                    return (statusCode, false);
                }

                if (IndexOf(received.GetRange(headEnd + 4, received.Count - headEnd - 4), "\n\n"u8) >= 0)
                {
                    return (statusCode, true);
                }
            }

            int read;
            try
            {
                read = await socket.ReceiveAsync(chunk, SocketFlags.None, cancellationToken);
            }
            catch (SocketException)
            {
                read = 0;
            }

            if (read == 0)
            {
                return (statusCode, false);
            }

            received.AddRange(chunk.AsSpan(0, read));
        }
    }

    private static int? ParseStatusCode(string head)
    {
        // "HTTP/1.1 200 OK"
        var parts = head.Split(' ', 3);
        return parts.Length >= 2 && parts[0].StartsWith("HTTP/", StringComparison.Ordinal)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            ? code
            : null;
    }

    private static string? HeaderValue(string head, string name)
    {
        foreach (var line in head.Split("\r\n"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }

    private static byte[] Dechunk(byte[] data)
    {
        var body = new List<byte>();
        var position = 0;
        while (position < data.Length)
        {
            var lineEnd = data.AsSpan(position).IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                break;
            }

            var sizeText = Encoding.ASCII.GetString(data, position, lineEnd).Split(';')[0].Trim();
            if (!int.TryParse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size) || size == 0)
            {
                break;
            }

            position += lineEnd + 2;
            body.AddRange(data.AsSpan(position, Math.Min(size, data.Length - position)));
            position += size + 2;
        }

        return [.. body];
    }

    private static int IndexOf(List<byte> buffer, ReadOnlySpan<byte> value)
    {
        for (var i = 0; i + value.Length <= buffer.Count; i++)
        {
            var match = true;
            for (var j = 0; j < value.Length && match; j++)
            {
                match = buffer[i + j] == value[j];
            }

            if (match)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool StartsWith(List<byte> buffer, ReadOnlySpan<byte> value) => buffer.Count >= value.Length && IndexOf(buffer.GetRange(0, value.Length), value) == 0;
}
