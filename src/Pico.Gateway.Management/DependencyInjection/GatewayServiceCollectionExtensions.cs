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
        return Add(services, key: null, section: null, configure: null);
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
        return Add(services, key: null, section: null, configure);
    }

    /// <summary>
    /// Registers <see cref="IGatewayManager"/> as <see cref="AddGatewayManagement(IServiceCollection)"/> does, with its options bound
    /// from <paramref name="section"/> instead of <c>Gateway</c> (<c>builder.Configuration.GetSection("Pico:Gateway")</c>, say); error
    /// messages name the keys under the section's path. Calling it again binds from the section given last.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The configuration section (or whole configuration) the options are bound from.</param>
    /// <returns>A builder for the pluggable parts.</returns>
    public static IGatewayManagementBuilder AddGatewayManagement(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        return Add(services, key: null, section, configure: null);
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
        return Add(services, name, section: null, configure: null);
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
        return Add(services, name, section: null, configure);
    }

    /// <summary>
    /// Registers a named gateway as <see cref="AddGatewayManagement(IServiceCollection, string)"/> does, with its options bound from
    /// <paramref name="section"/> instead of <c>Gateways:&lt;name&gt;</c>. Calling it again binds from the section given last.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The gateway's name: the service key and the options name.</param>
    /// <param name="section">The configuration section (or whole configuration) the options are bound from.</param>
    /// <returns>A builder for this gateway's pluggable parts.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    public static IGatewayManagementBuilder AddGatewayManagement(this IServiceCollection services, string name, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(section);
        return Add(services, name, section, configure: null);
    }

    /// <summary>The one registration path: the unnamed gateway is the one whose service key is <see langword="null"/> (plain services) and whose options name is <see cref="Options.Options.DefaultName"/>.</summary>
    private static GatewayManagementBuilder Add(IServiceCollection services, string? key, IConfiguration? section, Action<GatewayOptions>? configure)
    {
        if (!services.Any(descriptor => descriptor.ServiceType == typeof(GatewayManagementMarker) && Equals(descriptor.ServiceKey, key)))
        {
            Register(services, key);
        }

        if (section is not null)
        {
            services.RemoveAllKeyed<GatewayOptionsSource>(key);
            services.Add(ServiceDescriptor.KeyedSingleton(key, GatewayOptionsSource.From(section)));
        }

        var builder = new GatewayManagementBuilder(services, key);
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        return builder;
    }

    private static void Register(IServiceCollection services, string? key)
    {
        var optionsName = key ?? Options.Options.DefaultName;
        var sectionPath = key is null ? GatewayOptions.SectionName : $"{NamedSectionPrefix}:{key}";
        services.AddKeyedSingleton<GatewayManagementMarker>(key);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IGatewayProcessLauncher>(provider =>
            OperatingSystem.IsWindows()
                ? new WindowsProcessLauncher()
                : new UnixProcessLauncher(provider.GetService<ILoggerFactory>()?.CreateLogger("Pico.Gateway.Management.Processes")));

        // The section is looked up when the options are first built, so a configuration registered after this call still counts.
        services.AddKeyedSingleton(key, (provider, _) => new GatewayOptionsSource(provider.GetService<IConfiguration>()?.GetSection(sectionPath), sectionPath));
        services.AddOptions<GatewayOptions>(optionsName).ValidateOnStart();
        services.AddSingleton<IConfigureOptions<GatewayOptions>>(provider => new GatewayOptionsBinder(optionsName, SourceOf(provider, key)));
        services.AddSingleton<IValidateOptions<GatewayOptions>>(provider => new GatewayOptionsValidator(optionsName, SourceOf(provider, key).Path));

        // A reloaded configuration reaches the next start or restart (the manager reads the monitor at each spawn).
        services.AddSingleton<IOptionsChangeTokenSource<GatewayOptions>>(provider => new ValidatedReloadTokenSource(
            optionsName,
            SourceOf(provider, key).Section,
            provider.GetRequiredService<IOptionsFactory<GatewayOptions>>(),
            provider.GetService<ILoggerFactory>()?.CreateLogger("Pico.Gateway.Management.GatewayManager") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));

        services.TryAddKeyedSingleton<IHealthProbe, HttpHealthProbe>(key);
        services.TryAddKeyedSingleton<IGatewayConfigurationFingerprint, NoConfigurationFingerprint>(key);
        services.TryAddKeyedSingleton(key, (provider, _) => new GatewayLogBuffer(OptionsOf(provider, optionsName).LogCapacity));
        services.TryAddKeyedSingleton<IGatewayManager>(key, (provider, _) => new GatewayManager(
            optionsName,
            provider.GetRequiredService<IOptionsMonitor<GatewayOptions>>(),
            provider.GetRequiredKeyedService<GatewayLogBuffer>(key),
            provider.GetKeyedServices<ILogSink>(key),
            provider.GetRequiredKeyedService<IHealthProbe>(key),
            provider.GetKeyedServices<IGatewayStartCondition>(key),
            provider.GetRequiredKeyedService<IGatewayConfigurationFingerprint>(key),
            provider.GetRequiredService<IGatewayProcessLauncher>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILoggerFactory>(),
            provider.GetService<IMeterFactory>(),
            provider.GetKeyedService<IGatewayLocator>(key)));
        services.AddSingleton<IHostedService>(provider => new GatewayHostedService(
            provider.GetRequiredKeyedService<IGatewayManager>(key),
            OptionsOf(provider, optionsName),
            provider.GetService<ILoggerFactory>()));
    }

    private static GatewayOptionsSource SourceOf(IServiceProvider provider, string? key) =>
        provider.GetRequiredKeyedService<GatewayOptionsSource>(key);

    private static GatewayOptions OptionsOf(IServiceProvider provider, string optionsName) =>
        provider.GetRequiredService<IOptionsMonitor<GatewayOptions>>().Get(optionsName);

    private sealed class GatewayManagementMarker;
}
