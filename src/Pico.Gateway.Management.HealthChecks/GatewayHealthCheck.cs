using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Pico.Gateway.Management.HealthChecks;

/// <summary>
/// Reports the supervised gateway's state as a health check result, from <see cref="IGatewayManager.Current"/> alone: no I/O, so
/// it answers instantly and never probes the gateway a second time.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>gateway status</term><description>result</description></listheader>
/// <item><term><c>running</c></term><description><see cref="HealthStatus.Healthy"/></description></item>
/// <item><term><c>starting</c>, <c>restarting</c>, <c>stopping</c></term><description><see cref="HealthStatus.Degraded"/>: on its way somewhere</description></item>
/// <item><term><c>stopped</c> on purpose (or never started)</term><description><see cref="HealthStatus.Degraded"/></description></item>
/// <item><term><c>stopped</c> after an unexpected exit (<see cref="GatewayEvent.LastError"/> set)</term><description>the registration's failure status (<see cref="HealthStatus.Unhealthy"/> by default)</description></item>
/// <item><term><c>error</c></term><description>the registration's failure status</description></item>
/// </list>
/// <para>
/// A gateway stopped on purpose is <see cref="HealthStatus.Degraded"/>, not Healthy (it serves nothing, and a dashboard should say so) and not
/// Unhealthy: ASP.NET Core answers Degraded with 200, so a liveness probe pointed at the host does not restart a host whose operator
/// stopped the gateway; restarting the host would not bring the gateway back anyway unless it auto-starts. Use the failure status,
/// tags or <c>HealthCheckOptions.ResultStatusCodes</c> to map Degraded to 503 for a readiness probe.
/// </para>
/// <para>The result's data carries <c>status</c> (the lower-case JSON spelling), <c>pid</c> when a process is tracked and <c>last_error</c> when set.</para>
/// </remarks>
public sealed class GatewayHealthCheck : IHealthCheck
{
    private readonly IGatewayManager _manager;

    /// <summary>Initializes a new instance of the <see cref="GatewayHealthCheck"/> class.</summary>
    /// <param name="manager">The manager of the gateway to report on.</param>
    public GatewayHealthCheck(IGatewayManager manager)
    {
        ArgumentNullException.ThrowIfNull(manager);
        _manager = manager;
    }

    /// <summary>Reports the gateway's current state.</summary>
    /// <param name="context">The registration being checked; its <see cref="HealthCheckRegistration.FailureStatus"/> is used for failures.</param>
    /// <param name="cancellationToken">Not used: the check reads a snapshot and completes synchronously.</param>
    /// <returns>The result, completed.</returns>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var current = _manager.Current;
        var status = current.Status.ToJsonName();
        var data = new Dictionary<string, object>(3, StringComparer.Ordinal) { ["status"] = status };
        if (current.ProcessId is { } pid)
        {
            data["pid"] = pid;
        }

        if (current.LastError is { } lastError)
        {
            data["last_error"] = lastError;
        }

        var failure = context.Registration?.FailureStatus ?? HealthStatus.Unhealthy;
        var result = current.Status switch
        {
            GatewayStatus.Running => new HealthCheckResult(HealthStatus.Healthy, "running", data: data),
            GatewayStatus.Starting or GatewayStatus.Restarting or GatewayStatus.Stopping => new HealthCheckResult(HealthStatus.Degraded, Describe(status, current.LastError), data: data),
            GatewayStatus.Stopped when current.LastError is null => new HealthCheckResult(HealthStatus.Degraded, "stopped", data: data),
            _ => new HealthCheckResult(failure, Describe(status, current.LastError), data: data),
        };
        return Task.FromResult(result);
    }

    private static string Describe(string status, string? lastError) => lastError is null ? status : $"{status}: {lastError}";
}
