namespace Pico.Gateway.Management.SampleHost.Api;

/// <summary>The body of start, stop, restart and error answers: <c>{status, pid?, message?}</c>.</summary>
internal sealed record GatewayActionResponse(string Status, int? Pid = null, string? Message = null);
