namespace Pico.Gateway.Management;

/// <summary>The answer to <see cref="GatewayLogBuffer.Read"/>.</summary>
/// <param name="Lines">The buffered lines after the requested offset, oldest first.</param>
/// <param name="Total">How many lines the current run has produced so far (including evicted ones).</param>
/// <param name="RunId">The current run id: 0 before anything ran, then incremented by each spawn and each clear.</param>
public sealed record GatewayLogPage(IReadOnlyList<GatewayLogLine> Lines, long Total, long RunId);
