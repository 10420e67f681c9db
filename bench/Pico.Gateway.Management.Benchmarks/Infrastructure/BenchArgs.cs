using System.Globalization;

namespace Pico.Gateway.Management.Benchmarks.Infrastructure;

internal sealed class BenchArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static BenchArgs Parse(string[] args)
    {
        var result = new BenchArgs();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            result._values[args[i].TrimStart('-')] = args[i + 1];
        }

        return result;
    }

    public string? Get(string name) => _values.GetValueOrDefault(name);

    public int Int(string name, int fallback) => _values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
