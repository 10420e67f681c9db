using System.Text.RegularExpressions;

namespace Pico.Gateway.Management.Health;

/// <summary>What <c>Gateway:Readiness</c> must satisfy, checked with every other option when the host starts.</summary>
internal static class ReadinessRules
{
    /// <summary>The keys under <c>Gateway:Readiness</c> whose values the binder checks before binding.</summary>
    internal static readonly IReadOnlyDictionary<string, Func<string, string?>> ValueChecks = new Dictionary<string, Func<string, string?>>(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(GatewayReadinessOptions.Mode)] = value => IsName<GatewayReadinessMode>(value) ? null : $"must be Http, Tcp, Notify or OutputLine (was '{value}').",
        [nameof(GatewayReadinessOptions.Liveness)] = value => IsName<GatewayLivenessMode>(value) ? null : $"must be Http, Tcp or None (was '{value}').",
        [nameof(GatewayReadinessOptions.TcpPort)] = value => int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _) ? null : $"is not a port number: '{value}'.",
        [nameof(GatewayReadinessOptions.OutputPatternTimeout)] = CheckDuration,
        [nameof(GatewayReadinessOptions.WatchdogTimeout)] = CheckDuration,
    };

    public static void Validate(List<string> errors, string prefix, GatewayOptions options)
    {
        var readiness = options.Readiness;
        var at = prefix + "Readiness:";
        if (!Enum.IsDefined(readiness.Mode))
        {
            errors.Add($"{at}Mode must be Http, Tcp, Notify or OutputLine (was {readiness.Mode}).");
        }

        if (!Enum.IsDefined(readiness.Liveness))
        {
            errors.Add($"{at}Liveness must be Http, Tcp or None (was {readiness.Liveness}).");
        }

        if (readiness.TcpPort is { } port && port is < 1 or > 65535)
        {
            errors.Add($"{at}TcpPort must be between 1 and 65535 (was {port}).");
        }

        if (readiness.OutputPatternTimeout <= TimeSpan.Zero || readiness.OutputPatternTimeout == Timeout.InfiniteTimeSpan)
        {
            errors.Add($"{at}OutputPatternTimeout must be a positive duration such as 00:00:00.100 (was {readiness.OutputPatternTimeout}).");
        }

        if (readiness.WatchdogTimeout is { } watchdog && (watchdog <= TimeSpan.Zero || watchdog == Timeout.InfiniteTimeSpan))
        {
            errors.Add($"{at}WatchdogTimeout must be a positive duration such as 00:00:10 (was {watchdog}).");
        }

        if (readiness.Mode == GatewayReadinessMode.OutputLine)
        {
            ValidatePattern(errors, at, readiness.OutputPattern);
        }

        if ((readiness.Mode == GatewayReadinessMode.Notify || readiness.WatchdogTimeout is not null) && !OperatingSystem.IsLinux())
        {
            errors.Add($"{at}Mode Notify and WatchdogTimeout need Linux (SO_PASSCRED).");
        }

        if (readiness.WatchdogTimeout is not null && readiness.Mode != GatewayReadinessMode.Notify)
        {
            errors.Add($"{at}WatchdogTimeout needs Mode Notify (the watchdog pings arrive on the notify socket).");
        }
    }

    private static void ValidatePattern(List<string> errors, string at, string? pattern)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            errors.Add($"{at}OutputPattern is required with Mode OutputLine: a regular expression a ready line matches.");
            return;
        }

        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException ex)
        {
            errors.Add($"{at}OutputPattern is not a valid regular expression: {ex.Message}");
        }
    }

    private static string? CheckDuration(string value) =>
        TimeSpan.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out _) ? null : $"is not a duration: '{value}' (use hh:mm:ss, e.g. 00:00:05).";

    private static bool IsName<TEnum>(string value)
        where TEnum : struct, Enum =>
        Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            && !value.Contains(',', StringComparison.Ordinal) && !char.IsDigit(value.Trim()[0]) && value.Trim()[0] is not ('-' or '+');
}
