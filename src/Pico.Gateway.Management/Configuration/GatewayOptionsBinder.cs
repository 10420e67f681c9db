using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Pico.Gateway.Management.Configuration;

/// <summary>
/// Binds one gateway's <see cref="GatewayOptions"/> from its configuration section with the configuration-binding source generator
/// (no reflection: AOT-safe). The generated binder throws at the first value that does not parse; so the values are checked first,
/// each one that does not parse becomes an error naming its key (reported by the validator with every other problem), and the
/// section is bound without them. An empty value keeps the default.
/// </summary>
internal sealed class GatewayOptionsBinder(string optionsName, GatewayOptionsSource source) : IConfigureNamedOptions<GatewayOptions>
{
    private const string DurationHint = " (use hh:mm:ss, e.g. 00:00:05)";

    /// <summary>The options that are not strings or collections, and what a value that does not parse as one is told.</summary>
    internal static readonly IReadOnlyDictionary<string, Func<string, string?>> ValueChecks = new Dictionary<string, Func<string, string?>>(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(GatewayOptions.HealthCheckInterval)] = CheckDuration,
        [nameof(GatewayOptions.StartupProbeInterval)] = CheckDuration,
        [nameof(GatewayOptions.HealthCheckTimeout)] = CheckDuration,
        [nameof(GatewayOptions.StartupTimeout)] = CheckDuration,
        [nameof(GatewayOptions.StopTimeout)] = CheckDuration,
        [nameof(GatewayOptions.KillTimeout)] = CheckDuration,
        [nameof(GatewayOptions.RestartBackoffBase)] = CheckDuration,
        [nameof(GatewayOptions.RestartBackoffMax)] = CheckDuration,
        [nameof(GatewayOptions.RestartResetAfter)] = CheckDuration,
        [nameof(GatewayOptions.CrashLoopWindow)] = CheckDuration,
        [nameof(GatewayOptions.LogCapacity)] = CheckWholeNumber,
        [nameof(GatewayOptions.MaxLineLength)] = CheckWholeNumber,
        [nameof(GatewayOptions.UnhealthyThreshold)] = CheckWholeNumber,
        [nameof(GatewayOptions.CrashLoopMaxExits)] = CheckWholeNumber,
        [nameof(GatewayOptions.AutoStart)] = CheckBoolean,
        [nameof(GatewayOptions.InheritEnvironment)] = CheckBoolean,
        [nameof(GatewayOptions.StrictHealthCheck)] = CheckBoolean,
        [nameof(GatewayOptions.VerifyPortOwner)] = CheckBoolean,
        [nameof(GatewayOptions.RestartPolicy)] = CheckRestartPolicy,
        [nameof(GatewayOptions.Containment)] = CheckContainment,
    };

    /// <summary>The keys under <c>Gateway:External</c>, all of them switches.</summary>
    internal static readonly IReadOnlyDictionary<string, Func<string, string?>> ExternalValueChecks = new Dictionary<string, Func<string, string?>>(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(ExternalGatewayOptions.AllowControl)] = CheckBoolean,
        [nameof(ExternalGatewayOptions.StartWhenGone)] = CheckBoolean,
    };

    public void Configure(GatewayOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, GatewayOptions options)
    {
        if (string.Equals(name ?? Options.DefaultName, optionsName, StringComparison.Ordinal) && source.Section is { } section)
        {
            Bind(section, options);
        }
    }

    internal static void Bind(IConfiguration section, GatewayOptions options)
    {
        var setAside = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, child, checks) in CheckedValues(section))
        {
            if (child.Value is not { } value || child.GetChildren().Any())
            {
                continue;
            }

            if (string.IsNullOrWhiteSpace(value))
            {
                setAside.Add(key);
            }
            else if (checks.TryGetValue(child.Key, out var check) && check(value) is { } problem)
            {
                GatewayOptionsBindingErrors.Add(options, $"{child.Path} {problem}");
                setAside.Add(key);
            }
        }

        if (setAside.Count == 0)
        {
            section.Bind(options);
        }
        else
        {
            var kept = section.AsEnumerable(makePathsRelative: true).Where(pair => !setAside.Contains(pair.Key.Split(':', 2)[0]) && !setAside.Contains(pair.Key));
            new ConfigurationBuilder().AddInMemoryCollection(kept).Build().Bind(options);
        }

        // One argument may be given as a plain value (Gateway__Arguments=gateway); the generated binder reads lists only from children.
        if (section.GetSection(nameof(GatewayOptions.Arguments)) is { Value: { Length: > 0 } single } arguments
            && !setAside.Contains(arguments.Key) && !arguments.GetChildren().Any())
        {
            options.Arguments.Add(single);
        }
    }

    /// <summary>Each value to check, with its key relative to the section: the top-level ones, then those under <c>Readiness</c> and <c>External</c>.</summary>
    private static IEnumerable<(string Key, IConfigurationSection Child, IReadOnlyDictionary<string, Func<string, string?>> Checks)> CheckedValues(IConfiguration section)
    {
        foreach (var child in section.GetChildren())
        {
            yield return (child.Key, child, ValueChecks);
        }

        foreach (var child in section.GetSection(nameof(GatewayOptions.Readiness)).GetChildren())
        {
            yield return (nameof(GatewayOptions.Readiness) + ":" + child.Key, child, Health.ReadinessRules.ValueChecks);
        }

        foreach (var child in section.GetSection(nameof(GatewayOptions.External)).GetChildren())
        {
            yield return (nameof(GatewayOptions.External) + ":" + child.Key, child, ExternalValueChecks);
        }
    }

    private static string? CheckDuration(string value) =>
        TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out _) ? null : $"is not a duration: '{value}'{DurationHint}.";

    private static string? CheckWholeNumber(string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? null : $"is not a whole number: '{value}'.";

    private static string? CheckBoolean(string value) =>
        bool.TryParse(value, out _) ? null : $"is not true or false: '{value}'.";

    private static string? CheckRestartPolicy(string value) =>
        IsName<GatewayRestartPolicy>(value) ? null : $"must be Never, OnFailure or Always (was '{value}').";

    private static string? CheckContainment(string value) =>
        IsName<GatewayContainmentMode>(value) ? null : $"must be Auto, Cgroup, Tracked or ProcessGroup (was '{value}').";

    // The generated binder would also take a number or a comma-separated combination: only the names count.
    private static bool IsName<TEnum>(string value)
        where TEnum : struct, Enum =>
        Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            && !value.Contains(',', StringComparison.Ordinal) && !char.IsDigit(value.Trim()[0]) && value.Trim()[0] is not ('-' or '+');
}
