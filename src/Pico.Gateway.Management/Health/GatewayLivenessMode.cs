namespace Pico.Gateway.Management;

/// <summary>How a running gateway is checked on the steady ticks (every <see cref="GatewayOptions.HealthCheckInterval"/>).</summary>
public enum GatewayLivenessMode
{
    /// <summary>The health probe (the default probe: an HTTP GET of <see cref="GatewayOptions.HealthCheckUrl"/>).</summary>
    Http = 0,

    /// <summary>A TCP connection to <see cref="GatewayReadinessOptions.TcpHost"/>:<see cref="GatewayReadinessOptions.TcpPort"/> succeeds.</summary>
    Tcp = 1,

    /// <summary>No steady probe: a live process counts as running (a Notify gateway's watchdog may still report it hung).</summary>
    None = 2,
}
