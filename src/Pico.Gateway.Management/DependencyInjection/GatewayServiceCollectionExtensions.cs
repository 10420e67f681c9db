using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pico.Gateway.Management;
using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Supervision;
using Pico.Gateway.Management.DependencyInjection;
using Pico.Gateway.Management.Configuration;
using Pico.Gateway.Management.Conditions;
using Pico.Gateway.Management.Health;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers gateway managers.</summary>
public static class GatewayServiceCollectionExtensions
{
    /// <summary>The configuration section under which named gateways are configured: <c>Gateways:&lt;name&gt;</c>.</summary>
    public const string NamedSectionPrefix = "Gateways";

    /// <summary>
    /// Registers <see cref="IGatewayManager"/>, its options (bound from the <c>Gateway</c> configuration section when an
    /// <see cref="IConfiguration"/> is registered, validated when the host starts), the default HTTP health probe, the log ring buffer,
    /// <see cref="TimeProvider.System"/> if no <see cref="TimeProvider"/> is registered, and a hosted service that auto-starts the gateway
    /// and stops it with the host. Calling it again registers nothing twice.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder for the pluggable parts.</returns>
    public static IGatewayManagementBuilder AddGatewayManagement(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Add(services, name: null, configure: null);
    }

    /// <summary>
    /// Registers <see cref="IGatewayManager"/> as <see cref="AddGatewayManagement(IServiceCollection)"/> does, and configures its options
    /// after the configuration section was bound. Calling it again adds only the new delegate.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>A builder for the pluggable parts.</returns>
    public static IGatewayManagementBuilder AddGatewayManagement(this IServiceCollection services, Action<GatewayOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        return Add(services, name: null, configure);
    }

    /// <summary>
    /// Registers a named gateway, one of several a host may supervise: a keyed <see cref="IGatewayManager"/> (resolve it with
    /// <c>[FromKeyedServices("name")]</c> or <c>GetRequiredKeyedService&lt;IGatewayManager&gt;("name")</c>) with its own options
    /// (named options bound from <c>Gateways:&lt;name&gt;</c>), log buffer, events, hosted service and pluggable parts.
    /// The unnamed gateway of <see cref="AddGatewayManagement(IServiceCollection)"/> is unaffected.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The gateway's name: the service key and the options name.</param>
    /// <returns>A builder for this gateway's pluggable parts.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    public static IGatewayManagementBuilder AddGatewayManagement(this IServiceCollection services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Add(services, name, configure: null);
    }

    /// <summary>Registers a named gateway as <see cref="AddGatewayManagement(IServiceCollection, string)"/> does, and configures its options.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The gateway's name: the service key and the options name.</param>
    /// <param name="configure">Configures the options after the configuration section was bound.</param>
    /// <returns>A builder for this gateway's pluggable parts.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    public static IGatewayManagementBuilder AddGatewayManagement(this IServiceCollection services, string name, Action<GatewayOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        return Add(services, name, configure);
    }

    private static GatewayManagementBuilder Add(IServiceCollection services, string? name, Action<GatewayOptions>? configure)
    {
        var builder = new GatewayManagementBuilder(services, name);
        if (!services.Any(descriptor => descriptor.ServiceType == typeof(GatewayManagementMarker) && Equals(descriptor.ServiceKey, name)))
        {
            RegisterShared(services);
            if (name is null)
            {
                services.AddSingleton<GatewayManagementMarker>();
                RegisterDefault(services);
            }
            else
            {
                services.AddKeyedSingleton<GatewayManagementMarker>(name);
                RegisterNamed(services, name);
            }
        }

        if (configure is not null)
        {
            builder.Configure(configure);
        }

        return builder;
    }

    private static void RegisterShared(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IGatewayProcessLauncher>(provider =>
            OperatingSystem.IsWindows()
                ? new WindowsProcessLauncher()
                : new UnixProcessLauncher(provider.GetService<ILoggerFactory>()?.CreateLogger("Pico.Gateway.Management.Processes")));
    }

    private static void RegisterDefault(IServiceCollection services)
    {
        services.AddOptions<GatewayOptions>().ValidateOnStart();
        services.AddSingleton<IConfigureOptions<GatewayOptions>>(provider =>
            new GatewayOptionsConfiguration(provider.GetService<IConfiguration>(), Options.Options.DefaultName, GatewayOptions.SectionName));
        services.TryAddSingleton<IHealthProbe, HttpHealthProbe>();
        services.TryAddSingleton<IGatewayConfigurationFingerprint, NoConfigurationFingerprint>();
        services.TryAddSingleton(provider => new GatewayLogBuffer(provider.GetRequiredService<IOptions<GatewayOptions>>().Value.LogCapacity));
        services.TryAddSingleton<IGatewayManager>(provider => new GatewayManager(
            Options.Options.DefaultName,
            provider.GetRequiredService<IOptionsMonitor<GatewayOptions>>(),
            provider.GetRequiredService<GatewayLogBuffer>(),
            provider.GetServices<ILogSink>(),
            provider.GetRequiredService<IHealthProbe>(),
            provider.GetServices<IGatewayStartCondition>(),
            provider.GetRequiredService<IGatewayConfigurationFingerprint>(),
            provider.GetRequiredService<IGatewayProcessLauncher>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILoggerFactory>(),
            provider.GetService<IMeterFactory>()));
        services.AddSingleton<IHostedService>(provider => new GatewayHostedService(
            provider.GetRequiredService<IGatewayManager>(),
            provider.GetRequiredService<IOptions<GatewayOptions>>().Value,
            provider.GetService<ILoggerFactory>()));
    }

    private static void RegisterNamed(IServiceCollection services, string name)
    {
        services.AddOptions<GatewayOptions>(name).ValidateOnStart();
        services.AddSingleton<IConfigureOptions<GatewayOptions>>(provider =>
            new GatewayOptionsConfiguration(provider.GetService<IConfiguration>(), name, $"{NamedSectionPrefix}:{name}"));
        services.TryAddKeyedSingleton<IHealthProbe, HttpHealthProbe>(name);
        services.TryAddKeyedSingleton<IGatewayConfigurationFingerprint, NoConfigurationFingerprint>(name);
        services.TryAddKeyedSingleton(name, (provider, _) => new GatewayLogBuffer(Named(provider, name).LogCapacity));
        services.TryAddKeyedSingleton<IGatewayManager>(name, (provider, _) => new GatewayManager(
            name,
            provider.GetRequiredService<IOptionsMonitor<GatewayOptions>>(),
            provider.GetRequiredKeyedService<GatewayLogBuffer>(name),
            provider.GetKeyedServices<ILogSink>(name),
            provider.GetRequiredKeyedService<IHealthProbe>(name),
            provider.GetKeyedServices<IGatewayStartCondition>(name),
            provider.GetRequiredKeyedService<IGatewayConfigurationFingerprint>(name),
            provider.GetRequiredService<IGatewayProcessLauncher>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILoggerFactory>(),
            provider.GetService<IMeterFactory>()));
        services.AddSingleton<IHostedService>(provider => new GatewayHostedService(
            provider.GetRequiredKeyedService<IGatewayManager>(name),
            Named(provider, name),
            provider.GetService<ILoggerFactory>()));
    }

    private static GatewayOptions Named(IServiceProvider provider, string name) =>
        provider.GetRequiredService<IOptionsMonitor<GatewayOptions>>().Get(name);

    private sealed class GatewayManagementMarker;
}
