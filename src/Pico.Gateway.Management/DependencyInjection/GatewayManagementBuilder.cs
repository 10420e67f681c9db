using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Pico.Gateway.Management.DependencyInjection;

/// <summary>Registers a gateway's pluggable parts: plain services for the unnamed gateway, keyed by name for a named one.</summary>
internal sealed class GatewayManagementBuilder(IServiceCollection services, string? name) : IGatewayManagementBuilder
{
    public IServiceCollection Services { get; } = services;

    public string? Name { get; } = name;

    public IGatewayManagementBuilder Configure(Action<GatewayOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(Name ?? Microsoft.Extensions.Options.Options.DefaultName, configure);
        return this;
    }

    public IGatewayManagementBuilder AddHealthProbe<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>()
        where T : class, IHealthProbe
    {
        Replace(Name is null ? ServiceDescriptor.Singleton<IHealthProbe, T>() : ServiceDescriptor.KeyedSingleton<IHealthProbe, T>(Name));
        return this;
    }

    public IGatewayManagementBuilder AddLogSink<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>()
        where T : class, ILogSink
    {
        Services.TryAddEnumerable(Name is null ? ServiceDescriptor.Singleton<ILogSink, T>() : ServiceDescriptor.KeyedSingleton<ILogSink, T>(Name));
        return this;
    }

    public IGatewayManagementBuilder AddLogSink(ILogSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        Services.Add(Name is null ? ServiceDescriptor.Singleton(sink) : ServiceDescriptor.KeyedSingleton(Name, sink));
        return this;
    }

    public IGatewayManagementBuilder AddStartCondition<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>()
        where T : class, IGatewayStartCondition
    {
        Services.TryAddEnumerable(Name is null
            ? ServiceDescriptor.Singleton<IGatewayStartCondition, T>()
            : ServiceDescriptor.KeyedSingleton<IGatewayStartCondition, T>(Name));
        return this;
    }

    public IGatewayManagementBuilder AddStartCondition(IGatewayStartCondition condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        Services.Add(Name is null ? ServiceDescriptor.Singleton(condition) : ServiceDescriptor.KeyedSingleton(Name, condition));
        return this;
    }

    public IGatewayManagementBuilder UseConfigurationFingerprint<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>()
        where T : class, IGatewayConfigurationFingerprint
    {
        Replace(Name is null
            ? ServiceDescriptor.Singleton<IGatewayConfigurationFingerprint, T>()
            : ServiceDescriptor.KeyedSingleton<IGatewayConfigurationFingerprint, T>(Name));
        return this;
    }

    private void Replace(ServiceDescriptor descriptor)
    {
        // Services.Replace ignores service keys: remove exactly the registration this gateway would resolve.
        for (var i = Services.Count - 1; i >= 0; i--)
        {
            if (Services[i].ServiceType == descriptor.ServiceType && Equals(Services[i].ServiceKey, descriptor.ServiceKey))
            {
                Services.RemoveAt(i);
            }
        }

        Services.Add(descriptor);
    }
}
