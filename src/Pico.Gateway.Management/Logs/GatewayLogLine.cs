namespace Pico.Gateway.Management;

/// <summary>One line the gateway wrote, without its line terminator.</summary>
/// <param name="Sequence">The manager-wide line number, strictly increasing across both streams.</param>
/// <param name="Timestamp">When the line was read, from the manager's <see cref="TimeProvider"/>.</param>
/// <param name="Stream">The pipe it came from.</param>
/// <param name="Text">
/// The decoded text. Bytes that are not UTF-8 are replaced by U+FFFD; a line longer than
/// <see cref="GatewayOptions.MaxLineLength"/> characters is cut there and ends with <see cref="TruncationMarker"/>.
/// </param>
public readonly record struct GatewayLogLine(long Sequence, DateTimeOffset Timestamp, GatewayLogStream Stream, string Text)
{
    /// <summary>The text that starts the suffix of a cut line: <c>… [truncated N characters]</c>.</summary>
    public const string TruncationMarker = "… [truncated ";
}
