namespace Pico.Gateway.Management.SampleHost.Picoclaw;

/// <summary>
/// Probes the address in picoclaw's config as it was when the probed process started, the address that process listens on,
/// so a port changed in the config is picked up by the next start or restart without restarting the host. The HTTP probe
/// itself is the library's (wrapped, not copied).
/// </summary>
internal sealed class ConfigFollowingHealthProbe(IHealthProbe inner, bool ownsInner, PicoclawSetup setup) : IHealthProbe, IDisposable
{
    private readonly Lock _gate = new();
    private int _processId;
    private Uri? _url;

    public ValueTask<HealthProbeResult> ProbeAsync(HealthProbeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Ownership == GatewayOwnership.External)
        {
            // Started elsewhere, perhaps with another config: it listens where its own pid file said, not where ours says.
            return inner.ProbeAsync(context, cancellationToken);
        }

        Uri url;
        lock (_gate)
        {
            if (_url is null || _processId != context.ProcessId)
            {
                _processId = context.ProcessId;
                _url = ReadUrl() ?? context.HealthCheckUrl;
            }

            url = _url;
        }

        return inner.ProbeAsync(context with { HealthCheckUrl = url }, cancellationToken);
    }

    public void Dispose()
    {
        if (ownsInner && inner is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    /// <summary>Wraps whatever probe is registered for <see cref="IHealthProbe"/>, unless <c>Gateway:HealthCheckUrl</c> pins the address.</summary>
    public static void Decorate(IServiceCollection services, IConfiguration configuration, PicoclawSetup setup)
    {
        if (!string.IsNullOrWhiteSpace(configuration[$"{GatewayOptions.SectionName}:{nameof(GatewayOptions.HealthCheckUrl)}"]))
        {
            return;
        }

        var registered = services.LastOrDefault(descriptor => descriptor.ServiceType == typeof(IHealthProbe) && !descriptor.IsKeyedService);
        if (registered is null)
        {
            return;
        }

        services.Remove(registered);
        services.AddSingleton<IHealthProbe>(provider =>
        {
            if (registered.ImplementationInstance is IHealthProbe instance)
            {
                return new ConfigFollowingHealthProbe(instance, ownsInner: false, setup);
            }

            var inner = registered.ImplementationFactory is { } factory
                ? (IHealthProbe)factory(provider)
                : (IHealthProbe)ActivatorUtilities.CreateInstance(provider, registered.ImplementationType!);
            return new ConfigFollowingHealthProbe(inner, ownsInner: true, setup);
        });
    }

    private Uri? ReadUrl()
    {
        try
        {
            return setup.LoadConfig().GetHealthCheckUrl();
        }
        catch (PicoclawConfigException)
        {
            return null;
        }
    }
}
