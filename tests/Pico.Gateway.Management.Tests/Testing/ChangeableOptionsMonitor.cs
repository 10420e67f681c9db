using Microsoft.Extensions.Options;

namespace Pico.Gateway.Management.Tests.Testing;

/// <summary>Options a test can replace, as a configuration reload would.</summary>
internal sealed class ChangeableOptionsMonitor(GatewayOptions initial) : IOptionsMonitor<GatewayOptions>
{
    private GatewayOptions _value = initial;

    public GatewayOptions CurrentValue => Volatile.Read(ref _value);

    public GatewayOptions Get(string? name) => CurrentValue;

    public void Set(GatewayOptions value) => Volatile.Write(ref _value, value);

    public IDisposable? OnChange(Action<GatewayOptions, string?> listener) => null;
}
