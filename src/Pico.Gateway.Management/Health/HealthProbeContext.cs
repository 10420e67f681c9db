namespace Pico.Gateway.Management;

/// <summary>What a health probe needs to know about the gateway it probes.</summary>
/// <param name="HealthCheckUrl">The configured <see cref="GatewayOptions.HealthCheckUrl"/>.</param>
/// <param name="ProcessId">The pid of the gateway process being probed.</param>
/// <param name="Status">The gateway's status when the probe started.</param>
public sealed record HealthProbeContext(Uri HealthCheckUrl, int ProcessId, GatewayStatus Status);
