using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pico.Gateway.Management;
using Pico.Gateway.Management.Logs;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the built-in log sinks besides the ring buffer.</summary>
public static class GatewayLogSinkBuilderExtensions
{
    /// <summary>
    /// Forwards the gateway's stdout (as <see cref="LogLevel.Information"/>) and stderr (as <see cref="LogLevel.Warning"/>) to
    /// <see cref="ILogger"/> under the category <see cref="GatewayLoggerSink.CategoryName"/> (for a named gateway,
    /// <c>Pico.Gateway.Management.GatewayOutput.{name}</c>, which filters on the unnamed category also match). Calling it twice adds the sink once.
    /// </summary>
    /// <param name="builder">The gateway management builder.</param>
    /// <returns>The builder.</returns>
    public static IGatewayManagementBuilder AddLoggerSink(this IGatewayManagementBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var name = builder.Name;
        builder.Services.TryAddEnumerable(name is null
            ? ServiceDescriptor.Singleton<ILogSink, GatewayLoggerSink>(provider => new GatewayLoggerSink(LoggerFactoryOf(provider)))
            : ServiceDescriptor.KeyedSingleton<ILogSink, GatewayLoggerSink>(name, (provider, _) => new GatewayLoggerSink(LoggerFactoryOf(provider), name)));
        return builder;
    }

    /// <summary>
    /// Writes the gateway's output to size-limited, rotated files (see <see cref="RollingFileLogSink"/>). The options are validated
    /// when the host starts; the sink is flushed and closed when the container is disposed. Calling it twice adds the sink once and
    /// applies both <paramref name="configure"/> delegates, in order. The sink itself can be resolved as <see cref="RollingFileLogSink"/>
    /// (keyed by the gateway's name for a named gateway), to read <see cref="RollingFileLogSink.DroppedLines"/>, say.
    /// </summary>
    /// <param name="builder">The gateway management builder.</param>
    /// <param name="configure">
    /// Sets at least <see cref="RollingFileLogSinkOptions.Directory"/>. For a named gateway, <see cref="RollingFileLogSinkOptions.FileNamePrefix"/>
    /// starts as the gateway's name, so several gateways can share a directory.
    /// </param>
    /// <returns>The builder.</returns>
    public static IGatewayManagementBuilder AddRollingFileSink(this IGatewayManagementBuilder builder, Action<RollingFileLogSinkOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        var name = builder.Name;
        var optionsName = name ?? Options.Options.DefaultName;
        var firstCall = !services.Any(descriptor => descriptor.ServiceType == typeof(RollingFileLogSink) && Equals(descriptor.ServiceKey, name));
        if (firstCall)
        {
            var options = services.AddOptions<RollingFileLogSinkOptions>(optionsName);
            if (name is not null)
            {
                // Before the caller's delegates (only once, or a second call would undo the first call's prefix).
                options.Configure(file => file.FileNamePrefix = name);
            }

            options.ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RollingFileLogSinkOptions>, RollingFileLogSinkOptionsValidator>());
        }

        services.Configure(optionsName, configure);
        if (!firstCall)
        {
            return builder;
        }

        if (name is null)
        {
            services.AddSingleton(provider => CreateFileSink(provider, Options.Options.DefaultName));

            // The manager's sink and the resolvable RollingFileLogSink are one instance; the container disposes it twice, harmlessly.
            services.TryAddEnumerable(ServiceDescriptor.Singleton<ILogSink, RollingFileLogSink>(provider => provider.GetRequiredService<RollingFileLogSink>()));
        }
        else
        {
            services.AddKeyedSingleton(name, (provider, _) => CreateFileSink(provider, name));
            services.TryAddEnumerable(ServiceDescriptor.KeyedSingleton<ILogSink, RollingFileLogSink>(name, (provider, key) => provider.GetRequiredKeyedService<RollingFileLogSink>(key)));
        }

        return builder;
    }

    private static ILoggerFactory LoggerFactoryOf(IServiceProvider provider) =>
        provider.GetService<ILoggerFactory>() ?? Logging.Abstractions.NullLoggerFactory.Instance;

    private static RollingFileLogSink CreateFileSink(IServiceProvider provider, string optionsName) => new(
        provider.GetRequiredService<IOptionsMonitor<RollingFileLogSinkOptions>>().Get(optionsName),
        provider.GetService<TimeProvider>(),
        provider.GetService<ILoggerFactory>());
}
