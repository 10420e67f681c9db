namespace Pico.Gateway.Management;

/// <summary>The wire spelling of <see cref="GatewayStatus"/>.</summary>
public static class GatewayStatusExtensions
{
    /// <summary>
    /// Gets the lower-case name the HTTP surface, metrics and health checks use: <c>stopped</c>, <c>starting</c>, <c>running</c>,
    /// <c>restarting</c>, <c>stopping</c> or <c>error</c>. Spelled out rather than derived from the member name, so renaming a member
    /// can never change what clients see.
    /// </summary>
    /// <param name="status">The status.</param>
    /// <returns>Its JSON name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="status"/> is not a defined value.</exception>
    public static string ToJsonName(this GatewayStatus status) => status switch
    {
        GatewayStatus.Stopped => "stopped",
        GatewayStatus.Starting => "starting",
        GatewayStatus.Running => "running",
        GatewayStatus.Restarting => "restarting",
        GatewayStatus.Stopping => "stopping",
        GatewayStatus.Error => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "not a gateway status"),
    };
}
