namespace Pico.Gateway.Management;

/// <summary>What a health probe needs to know about the gateway it probes.</summary>
/// <param name="HealthCheckUrl">The configured <see cref="GatewayOptions.HealthCheckUrl"/>.</param>
/// <param name="ProcessId">The pid of the gateway process being probed.</param>
/// <param name="Status">The gateway's status when the probe started.</param>
public sealed record HealthProbeContext(Uri HealthCheckUrl, int ProcessId, GatewayStatus Status)
{
    /// <summary>
    /// Gets a value indicating whether only HTTP 200 with a JSON object body counts as healthy (picoclaw's rule), from
    /// <see cref="GatewayOptions.StrictHealthCheck"/>. Otherwise any 2xx answer is healthy.
    /// </summary>
    public bool Strict { get; init; }

    /// <summary>
    /// Gets who started the probed gateway. For <see cref="GatewayOwnership.External"/> <see cref="HealthCheckUrl"/> is where the
    /// <see cref="IGatewayLocator"/> said it listens, which a probe that works the address out itself should keep.
    /// </summary>
    public GatewayOwnership Ownership { get; init; }
}
