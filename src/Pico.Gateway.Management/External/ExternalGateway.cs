namespace Pico.Gateway.Management;

/// <summary>A gateway an <see cref="IGatewayLocator"/> found running, started outside this host.</summary>
/// <param name="ProcessId">The gateway's process id: followed until it exits, signalled only when <see cref="ExternalGatewayOptions.AllowControl"/> is set.</param>
public sealed record ExternalGateway(int ProcessId)
{
    /// <summary>
    /// Gets the URL to probe it at when it is not <see cref="GatewayOptions.HealthCheckUrl"/> (picoclaw's pid file names the host and
    /// port the gateway listens on, say); <see langword="null"/> probes the configured URL.
    /// </summary>
    public Uri? HealthCheckUrl { get; init; }

    /// <summary>Gets where it was found, for the log (e.g. <c>~/.picoclaw/.picoclaw.pid, version 0.2.0</c>).</summary>
    public string? Source { get; init; }
}
