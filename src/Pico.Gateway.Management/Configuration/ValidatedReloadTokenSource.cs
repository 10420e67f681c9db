using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Pico.Gateway.Management.Diagnostics;

namespace Pico.Gateway.Management.Configuration;

/// <summary>
/// Tells <see cref="IOptionsMonitor{TOptions}"/> that the gateway's configuration was reloaded, but only once the reloaded
/// options validate. The monitor rebuilds the options inside the reload callback and would throw there on a bad value, on the
/// configuration's own thread, where nothing catches it: a typo saved in appsettings.json must not bring the host down. A
/// reload that does not validate is logged and ignored; the options in force stay, and the next start uses them.
/// </summary>
internal sealed class ValidatedReloadTokenSource : IOptionsChangeTokenSource<GatewayOptions>, IDisposable
{
    private readonly IOptionsFactory<GatewayOptions> _factory;
    private readonly ILogger _logger;
    private readonly IDisposable? _registration;
    private CancellationTokenSource _changed = new();

    public ValidatedReloadTokenSource(string name, IConfiguration? configuration, IOptionsFactory<GatewayOptions> factory, ILogger logger)
    {
        Name = name;
        _factory = factory;
        _logger = logger;
        _registration = configuration is null ? null : ChangeToken.OnChange(configuration.GetReloadToken, OnReload);
    }

    public string Name { get; }

    public IChangeToken GetChangeToken() => new CancellationChangeToken(Volatile.Read(ref _changed).Token);

    public void Dispose()
    {
        _registration?.Dispose();
        Volatile.Read(ref _changed).Dispose();
    }

    private void OnReload()
    {
        try
        {
            _ = _factory.Create(Name);
        }
        catch (OptionsValidationException ex)
        {
            Log.ReloadedOptionsInvalid(_logger, ex.Message);
            return;
        }

        using var fired = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
        fired.Cancel();
    }
}
