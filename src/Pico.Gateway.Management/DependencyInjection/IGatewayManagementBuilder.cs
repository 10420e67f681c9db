using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace Pico.Gateway.Management;

/// <summary>Configures the gateway manager registered by <c>AddGatewayManagement</c>: its options and pluggable parts.</summary>
public interface IGatewayManagementBuilder
{
    /// <summary>Gets the service collection the manager is registered in.</summary>
    IServiceCollection Services { get; }

    /// <summary>Gets the gateway's name, or <see langword="null"/> for the unnamed gateway. Parts of a named gateway are registered as keyed services with this key.</summary>
    string? Name { get; }

    /// <summary>Adds a delegate that configures <see cref="GatewayOptions"/> after the configuration section was bound.</summary>
    /// <param name="configure">The delegate.</param>
    /// <returns>This builder.</returns>
    IGatewayManagementBuilder Configure(Action<GatewayOptions> configure);

    /// <summary>Uses <typeparamref name="T"/> as the gateway's health probe, replacing the default HTTP probe (or the one set before): a gateway has one probe.</summary>
    /// <typeparam name="T">The probe, activated from the container as a singleton.</typeparam>
    /// <returns>This builder.</returns>
    IGatewayManagementBuilder UseHealthProbe<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>()
        where T : class, IHealthProbe;

    /// <summary>Adds a log sink that receives every line besides the built-in ring buffer. Adding the same type twice adds it once.</summary>
    /// <typeparam name="T">The sink, activated from the container as a singleton.</typeparam>
    /// <returns>This builder.</returns>
    IGatewayManagementBuilder AddLogSink<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>()
        where T : class, ILogSink;

    /// <summary>Adds a log sink instance.</summary>
    /// <param name="sink">The sink.</param>
    /// <returns>This builder.</returns>
    IGatewayManagementBuilder AddLogSink(ILogSink sink);

    /// <summary>Adds a start condition, checked in registration order. Adding the same type twice adds it once.</summary>
    /// <typeparam name="T">The condition, activated from the container as a singleton.</typeparam>
    /// <returns>This builder.</returns>
    IGatewayManagementBuilder AddStartCondition<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>()
        where T : class, IGatewayStartCondition;

    /// <summary>Adds a start condition instance.</summary>
    /// <param name="condition">The condition.</param>
    /// <returns>This builder.</returns>
    IGatewayManagementBuilder AddStartCondition(IGatewayStartCondition condition);

    /// <summary>Uses <typeparamref name="T"/> as the configuration fingerprint behind <see cref="GatewayEvent.RestartRequired"/>, replacing the one set before.</summary>
    /// <typeparam name="T">The provider, activated from the container as a singleton.</typeparam>
    /// <returns>This builder.</returns>
    IGatewayManagementBuilder UseConfigurationFingerprint<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>()
        where T : class, IGatewayConfigurationFingerprint;

    /// <summary>
    /// Uses <typeparamref name="T"/> to find a gateway started outside this host (a CLI, systemd), replacing the one set before: such
    /// a gateway is reported with <see cref="GatewayOwnership.External"/> instead of a second one being spawned.
    /// </summary>
    /// <typeparam name="T">The locator, activated from the container as a singleton.</typeparam>
    /// <returns>This builder.</returns>
    IGatewayManagementBuilder UseGatewayLocator<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>()
        where T : class, IGatewayLocator;
}
