namespace Pico.Gateway.Management;

/// <summary>What a health probe found.</summary>
public enum HealthProbeOutcome
{
    /// <summary>The gateway answered healthy (the default probe: any 2xx; with <see cref="GatewayOptions.StrictHealthCheck"/>, 200 with a JSON object body).</summary>
    Healthy = 0,

    /// <summary>The gateway answered, but not healthy (the default probe: a status outside 2xx; strict: another status than 200, or a body that is not a JSON object).</summary>
    Unhealthy = 1,

    /// <summary>No answer: connection refused, timeout, or the probe threw.</summary>
    Unreachable = 2,
}
