using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Pico.Gateway.Management;

internal sealed class GatewayManagementBuilder(IServiceCollection services) : IGatewayManagementBuilder
{
    public IServiceCollection Services { get; } = services;

    public IGatewayManagementBuilder Configure(Action<GatewayOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    public IGatewayManagementBuilder AddHealthProbe<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>()
        where T : class, IHealthProbe
    {
        Services.Replace(ServiceDescriptor.Singleton<IHealthProbe, T>());
        return this;
    }

    public IGatewayManagementBuilder AddLogSink<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>()
        where T : class, ILogSink
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILogSink, T>());
        return this;
    }

    public IGatewayManagementBuilder AddLogSink(ILogSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        Services.AddSingleton(sink);
        return this;
    }

    public IGatewayManagementBuilder AddStartCondition<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>()
        where T : class, IGatewayStartCondition
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IGatewayStartCondition, T>());
        return this;
    }

    public IGatewayManagementBuilder AddStartCondition(IGatewayStartCondition condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        Services.AddSingleton(condition);
        return this;
    }

    public IGatewayManagementBuilder UseConfigurationFingerprint<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>()
        where T : class, IGatewayConfigurationFingerprint
    {
        Services.Replace(ServiceDescriptor.Singleton<IGatewayConfigurationFingerprint, T>());
        return this;
    }
}
