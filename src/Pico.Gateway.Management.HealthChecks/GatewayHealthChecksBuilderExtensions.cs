using Microsoft.Extensions.Diagnostics.HealthChecks;
using Pico.Gateway.Management;
using Pico.Gateway.Management.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="GatewayHealthCheck"/>.</summary>
public static class GatewayHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a health check that reports the gateway's state: Healthy when running; Degraded while starting, restarting or stopping,
    /// and when stopped on purpose; <paramref name="failureStatus"/> on error or after an unexpected exit. See <see cref="GatewayHealthCheck"/>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The name of the check in the report.</param>
    /// <param name="failureStatus">The status reported on error or after an unexpected exit; <see cref="HealthStatus.Unhealthy"/> when <see langword="null"/>.</param>
    /// <param name="tags">Tags to filter checks by (e.g. <c>ready</c>, <c>live</c>).</param>
    /// <param name="gatewayName">
    /// The name of a named gateway, resolved as the keyed <see cref="IGatewayManager"/> service with that key;
    /// <see langword="null"/> for the gateway registered without a name.
    /// </param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddGatewayHealthCheck(
        this IHealthChecksBuilder builder,
        string name = "gateway",
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null,
        string? gatewayName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return builder.Add(new HealthCheckRegistration(
            name,
            provider => new GatewayHealthCheck(gatewayName is null
                ? provider.GetRequiredService<IGatewayManager>()
                : provider.GetRequiredKeyedService<IGatewayManager>(gatewayName)),
            failureStatus,
            tags));
    }
}
