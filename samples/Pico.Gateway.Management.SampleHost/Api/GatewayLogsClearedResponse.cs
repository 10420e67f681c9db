namespace Pico.Gateway.Management.SampleHost.Api;

/// <summary>The body of <c>POST /api/gateway/logs/clear</c>.</summary>
internal sealed record GatewayLogsClearedResponse(string Status, long LogTotal, long LogRunId);
