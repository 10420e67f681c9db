using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Pico.Gateway.Management.DependencyInjection;

/// <summary>
/// Registers a gateway's pluggable parts, keyed by its name; the unnamed gateway's key is <see langword="null"/>, which makes them
/// plain (unkeyed) services.
/// </summary>
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

    public IGatewayManagementBuilder UseHealthProbe<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>()
        where T : class, IHealthProbe
    {
        Replace(ServiceDescriptor.KeyedSingleton<IHealthProbe, T>(Name));
        return this;
    }

    public IGatewayManagementBuilder AddLogSink<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>()
        where T : class, ILogSink
    {
        Services.TryAddEnumerable(ServiceDescriptor.KeyedSingleton<ILogSink, T>(Name));
        return this;
    }

    public IGatewayManagementBuilder AddLogSink(ILogSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        Services.Add(ServiceDescriptor.KeyedSingleton(Name, sink));
        return this;
    }

    public IGatewayManagementBuilder AddStartCondition<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>()
        where T : class, IGatewayStartCondition
    {
        Services.TryAddEnumerable(ServiceDescriptor.KeyedSingleton<IGatewayStartCondition, T>(Name));
        return this;
    }

    public IGatewayManagementBuilder AddStartCondition(IGatewayStartCondition condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        Services.Add(ServiceDescriptor.KeyedSingleton(Name, condition));
        return this;
    }

    public IGatewayManagementBuilder UseConfigurationFingerprint<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>()
        where T : class, IGatewayConfigurationFingerprint
    {
        Replace(ServiceDescriptor.KeyedSingleton<IGatewayConfigurationFingerprint, T>(Name));
        return this;
    }

    public IGatewayManagementBuilder UseGatewayLocator<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>()
        where T : class, IGatewayLocator
    {
        Replace(ServiceDescriptor.KeyedSingleton<IGatewayLocator, T>(Name));
        return this;
    }

    private void Replace(ServiceDescriptor descriptor)
    {
        // Services.Replace ignores service keys: remove exactly the registration this gateway would resolve.
        Services.RemoveAllKeyed(descriptor.ServiceType, descriptor.ServiceKey);
        Services.Add(descriptor);
    }
}
