namespace Pico.Gateway.Management;

/// <summary>Decides whether the gateway is healthy. The default probe GETs <see cref="GatewayOptions.HealthCheckUrl"/>.</summary>
/// <remarks>
/// The manager calls it with a token that is cancelled after <see cref="GatewayOptions.HealthCheckTimeout"/> or when the process exits.
/// A probe that throws or times out counts as <see cref="HealthProbeOutcome.Unreachable"/>. Probes never run concurrently for one manager.
/// </remarks>
public interface IHealthProbe
{
    /// <summary>Probes the gateway once.</summary>
    /// <param name="context">The gateway being probed.</param>
    /// <param name="cancellationToken">Cancelled on timeout or when the probe is no longer needed.</param>
    /// <returns>What the probe found.</returns>
    ValueTask<HealthProbeResult> ProbeAsync(HealthProbeContext context, CancellationToken cancellationToken);
}
