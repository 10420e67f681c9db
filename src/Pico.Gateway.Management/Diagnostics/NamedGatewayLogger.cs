using Microsoft.Extensions.Logging;

namespace Pico.Gateway.Management.Diagnostics;

/// <summary>
/// The manager's logger for a named gateway: every entry is written inside a <c>GatewayName</c> scope, so with two gateways in
/// one host each line says whose it is (the background threads that log have no ambient scope of their own).
/// </summary>
internal sealed class NamedGatewayLogger(ILogger inner, string name) : ILogger
{
    private readonly KeyValuePair<string, object?>[] _scope = [new("GatewayName", name)];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel))
        {
            return;
        }

        using (inner.BeginScope(_scope))
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
