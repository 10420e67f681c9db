using System.Runtime.CompilerServices;

namespace Pico.Gateway.Management.Configuration;

/// <summary>
/// The values that did not bind, kept beside the options instance they were meant for (not on the public options class), so the
/// validator reports them with every other problem. An options instance that is collected takes its errors with it.
/// </summary>
internal static class GatewayOptionsBindingErrors
{
    private static readonly ConditionalWeakTable<GatewayOptions, List<string>> Errors = [];

    public static void Add(GatewayOptions options, string error)
    {
        var errors = Errors.GetOrAdd(options, static _ => []);
        lock (errors)
        {
            errors.Add(error);
        }
    }

    public static IReadOnlyList<string> Of(GatewayOptions options)
    {
        if (!Errors.TryGetValue(options, out var errors))
        {
            return [];
        }

        lock (errors)
        {
            return [.. errors];
        }
    }
}
