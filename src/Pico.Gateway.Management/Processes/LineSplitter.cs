using System.Globalization;
using System.Text;

namespace Pico.Gateway.Management.Processes;

/// <summary>
/// Turns a byte stream into lines: UTF-8 with replacement of invalid bytes, '\n' or "\r\n" terminated, any length.
/// A line longer than the cap keeps its first characters and a marker with the count of the dropped ones, and reading goes on.
/// </summary>
internal sealed class LineSplitter
{
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private readonly IGatewayOutputHandler _handler;
    private readonly GatewayLogStream _stream;
    private readonly int _maxLineLength;
    private readonly char[] _chars;
    private char[] _pending;
    private int _pendingLength;
    private long _droppedCharacters;

    public LineSplitter(GatewayLogStream stream, int maxLineLength, IGatewayOutputHandler handler, int maxChunkBytes)
    {
        _stream = stream;
        _maxLineLength = maxLineLength;
        _handler = handler;
        _chars = new char[Encoding.UTF8.GetMaxCharCount(maxChunkBytes)];
        _pending = new char[Math.Min(maxLineLength, 256)];
    }

    public void Push(ReadOnlySpan<byte> bytes)
    {
        var count = _decoder.GetChars(bytes, _chars, flush: false);
        Split(_chars.AsSpan(0, count));
    }

    public void Complete()
    {
        var count = _decoder.GetChars([], _chars, flush: true);
        Split(_chars.AsSpan(0, count));
        if (_pendingLength > 0 || _droppedCharacters > 0)
        {
            EmitPending();
        }
    }

    private void Split(ReadOnlySpan<char> chars)
    {
        while (!chars.IsEmpty)
        {
            var newline = chars.IndexOf('\n');
            if (newline < 0)
            {
                Append(chars);
                return;
            }

            var segment = chars[..newline];
            chars = chars[(newline + 1)..];
            if (_pendingLength == 0 && _droppedCharacters == 0)
            {
                var line = TrimCarriageReturn(segment);
                if (line.Length <= _maxLineLength)
                {
                    // The common case: the whole line is in this chunk, so its string is the only allocation.
                    Emit(line);
                    continue;
                }
            }

            Append(segment);
            EmitPending();
        }
    }

    private void Append(ReadOnlySpan<char> chars)
    {
        // One extra character is kept past the cap so a "\r" that ends a line of exactly the cap is not counted as dropped.
        var room = _maxLineLength + 1 - _pendingLength;
        var kept = Math.Min(room, chars.Length);
        if (kept > 0)
        {
            EnsurePendingCapacity(_pendingLength + kept);
            chars[..kept].CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += kept;
        }

        _droppedCharacters += chars.Length - kept;
    }

    private void EmitPending()
    {
        var line = TrimCarriageReturn(_pending.AsSpan(0, _pendingLength));
        var dropped = _droppedCharacters;
        if (line.Length > _maxLineLength)
        {
            dropped += line.Length - _maxLineLength;
            line = line[.._maxLineLength];
        }

        if (dropped > 0)
        {
            Emit(string.Concat(line, GatewayLogLine.TruncationMarker, dropped.ToString(CultureInfo.InvariantCulture), " characters]"));
        }
        else
        {
            Emit(line);
        }

        _pendingLength = 0;
        _droppedCharacters = 0;
        if (_pending.Length > 4096)
        {
            _pending = new char[256];
        }
    }

    private void Emit(ReadOnlySpan<char> line) => _handler.OnLine(_stream, line.ToString());

    private void Emit(string line) => _handler.OnLine(_stream, line);

    private static ReadOnlySpan<char> TrimCarriageReturn(ReadOnlySpan<char> line) =>
        line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;

    private void EnsurePendingCapacity(int needed)
    {
        if (needed > _pending.Length)
        {
            Array.Resize(ref _pending, Math.Min(Math.Max(needed, _pending.Length * 2), _maxLineLength + 1));
        }
    }
}
