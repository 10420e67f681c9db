namespace Pico.Gateway.Management;

/// <summary>How a starting gateway tells that it is ready (<c>starting</c> → <c>running</c>).</summary>
public enum GatewayReadinessMode
{
    /// <summary>The health probe answers healthy (the default probe: an HTTP GET of <see cref="GatewayOptions.HealthCheckUrl"/>).</summary>
    Http = 0,

    /// <summary>A TCP connection to <see cref="GatewayReadinessOptions.TcpHost"/>:<see cref="GatewayReadinessOptions.TcpPort"/> succeeds.</summary>
    Tcp = 1,

    /// <summary>
    /// The gateway sends <c>READY=1</c> on the datagram socket named by <c>NOTIFY_SOCKET</c> (systemd's <c>sd_notify</c> protocol,
    /// as .NET's <c>UseSystemd()</c> hosts send it). Nothing is polled. Linux only.
    /// </summary>
    Notify = 2,

    /// <summary>A line on the gateway's stdout or stderr matches <see cref="GatewayReadinessOptions.OutputPattern"/>. Nothing is polled.</summary>
    OutputLine = 3,
}
