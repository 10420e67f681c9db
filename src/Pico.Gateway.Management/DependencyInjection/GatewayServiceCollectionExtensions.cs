using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pico.Gateway.Management;
using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Supervision;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the gateway manager.</summary>
public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IGatewayManager"/>, its options (bound from the <c>Gateway</c> configuration section when an
    /// <see cref="IConfiguration"/> is registered, validated when the host starts), the default HTTP health probe, the log ring buffer,
    /// <see cref="TimeProvider.System"/> if no <see cref="TimeProvider"/> is registered, and a hosted service that auto-starts the gateway
    /// and stops it with the host. Calling it again adds only the new <paramref name="configure"/> delegate.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options after the configuration section was bound.</param>
    /// <returns>A builder for the pluggable parts.</returns>
    public static IGatewayManagementBuilder AddGatewayManagement(this IServiceCollection services, Action<GatewayOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new GatewayManagementBuilder(services);
        if (!services.Any(descriptor => descriptor.ServiceType == typeof(GatewayManagementMarker)))
        {
            services.AddSingleton<GatewayManagementMarker>();
            RegisterCore(services);
        }

        if (configure is not null)
        {
            builder.Configure(configure);
        }

        return builder;
    }

    private static void RegisterCore(IServiceCollection services)
    {
        services.AddOptions<GatewayOptions>().ValidateOnStart();
        services.AddSingleton<IConfigureOptions<GatewayOptions>>(provider =>
            new GatewayOptionsConfiguration(provider.GetService<IConfiguration>(), Options.Options.DefaultName, GatewayOptions.SectionName));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IHealthProbe, HttpHealthProbe>();
        services.TryAddSingleton<IGatewayConfigurationFingerprint, NoConfigurationFingerprint>();
        services.TryAddSingleton<IGatewayProcessLauncher>(_ =>
            OperatingSystem.IsWindows() ? new WindowsProcessLauncher() : new UnixProcessLauncher());
        services.TryAddSingleton(provider => new GatewayLogBuffer(provider.GetRequiredService<IOptions<GatewayOptions>>().Value.LogCapacity));
        services.TryAddSingleton<IGatewayManager>(provider => new GatewayManager(
            provider.GetRequiredService<IOptions<GatewayOptions>>(),
            provider.GetRequiredService<GatewayLogBuffer>(),
            provider.GetServices<ILogSink>(),
            provider.GetRequiredService<IHealthProbe>(),
            provider.GetServices<IGatewayStartCondition>(),
            provider.GetRequiredService<IGatewayConfigurationFingerprint>(),
            provider.GetRequiredService<IGatewayProcessLauncher>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILoggerFactory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, GatewayHostedService>());
    }

    private sealed class GatewayManagementMarker;
}
