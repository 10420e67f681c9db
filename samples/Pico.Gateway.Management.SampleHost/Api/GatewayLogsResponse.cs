namespace Pico.Gateway.Management.SampleHost.Api;

/// <summary>The body of <c>GET /api/gateway/logs</c>.</summary>
/// <param name="Logs">The lines' text: the field picoclaw's own UI reads, unchanged.</param>
/// <param name="LogTotal">The number of lines of the run so far.</param>
/// <param name="LogRunId">The run the lines belong to.</param>
/// <param name="LogStreams">Parallel to <paramref name="Logs"/>: <c>"stdout"</c> or <c>"stderr"</c> for each line.</param>
internal sealed record GatewayLogsResponse(IReadOnlyList<string> Logs, long LogTotal, long LogRunId, IReadOnlyList<string> LogStreams);
