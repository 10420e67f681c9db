using System.Globalization;

namespace Pico.Gateway.Management.Tests.Child;

internal sealed class CommandLine
{
    private readonly Dictionary<string, string> _options;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    private CommandLine(string mode, Dictionary<string, string> options)
    {
        Mode = mode;
        _options = options;
    }

    public string Mode { get; }

    public static CommandLine Parse(string[] args)
    {
        if (args.Length == 0)
        {
            throw new UsageException("missing mode");
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i += 2)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length == 2)
            {
                throw new UsageException($"unexpected argument '{name}'");
            }

            if (i + 1 == args.Length)
            {
                throw new UsageException($"option '{name}' needs a value");
            }

            if (!options.TryAdd(name[2..], args[i + 1]))
            {
                throw new UsageException($"option '{name}' given twice");
            }
        }

        return new CommandLine(args[0], options);
    }

    public string? GetString(string name)
    {
        _used.Add(name);
        return _options.GetValueOrDefault(name);
    }

    public int? GetInt32(string name)
    {
        var text = GetString(name);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"option '--{name}' needs an integer, got '{text}'");
    }

    public int GetInt32(string name, int defaultValue) => GetInt32(name) ?? defaultValue;

    public int GetRequiredInt32(string name) =>
        GetInt32(name) ?? throw new UsageException($"mode '{Mode}' needs '--{name}'");

    // A typo in an option must fail loudly, or a test would silently run with defaults.
    public void EnsureAllOptionsUsed()
    {
        foreach (var name in _options.Keys)
        {
            if (!_used.Contains(name))
            {
                throw new UsageException($"mode '{Mode}' does not take '--{name}'");
            }
        }
    }
}
