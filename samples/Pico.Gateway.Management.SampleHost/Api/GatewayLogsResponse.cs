namespace Pico.Gateway.Management.SampleHost.Api;

/// <summary>The body of <c>GET /api/gateway/logs</c>.</summary>
internal sealed record GatewayLogsResponse(IReadOnlyList<string> Logs, long LogTotal, long LogRunId);
