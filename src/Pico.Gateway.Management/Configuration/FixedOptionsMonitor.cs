using Microsoft.Extensions.Options;

namespace Pico.Gateway.Management.Configuration;

/// <summary>Options that never change, for a manager built without a container (tests, benchmarks, a hand-wired host).</summary>
internal sealed class FixedOptionsMonitor(GatewayOptions value) : IOptionsMonitor<GatewayOptions>
{
    public GatewayOptions CurrentValue => value;

    public GatewayOptions Get(string? name) => value;

    public IDisposable? OnChange(Action<GatewayOptions, string?> listener) => null;
}
