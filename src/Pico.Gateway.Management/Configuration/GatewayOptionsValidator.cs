using System.Globalization;
using Microsoft.Extensions.Options;
using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Configuration;

/// <summary>
/// Validates one gateway's <see cref="GatewayOptions"/> (the options named <paramref name="optionsName"/>), reporting every problem at
/// once, each with the configuration key it concerns under <paramref name="sectionPath"/>: values that did not bind first.
/// </summary>
internal sealed class GatewayOptionsValidator(string optionsName, string sectionPath) : IValidateOptions<GatewayOptions>
{
    /// <summary>Initializes a validator for the unnamed gateway, bound from <c>Gateway</c>.</summary>
    public GatewayOptionsValidator()
        : this(Options.DefaultName, GatewayOptions.SectionName)
    {
    }

    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        if (!string.Equals(name ?? Options.DefaultName, optionsName, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = new List<string>(GatewayOptionsBindingErrors.Of(options));
        var prefix = sectionPath.Length == 0 ? string.Empty : sectionPath + ":";
        ValidateEnvironment(errors, prefix, options);

        if (string.IsNullOrWhiteSpace(options.ExecutablePath))
        {
            errors.Add($"{prefix}ExecutablePath is required: the gateway executable to start.");
        }

        if (!Uri.TryCreate(options.HealthCheckUrl, UriKind.Absolute, out var healthUrl)
            || (healthUrl.Scheme != Uri.UriSchemeHttp && healthUrl.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{prefix}HealthCheckUrl must be an absolute http or https URL (was '{options.HealthCheckUrl}').");
        }

        RequirePositive(errors, prefix, nameof(GatewayOptions.HealthCheckInterval), options.HealthCheckInterval);
        RequirePositive(errors, prefix, nameof(GatewayOptions.StartupProbeInterval), options.StartupProbeInterval);
        RequirePositive(errors, prefix, nameof(GatewayOptions.HealthCheckTimeout), options.HealthCheckTimeout);
        RequirePositive(errors, prefix, nameof(GatewayOptions.StartupTimeout), options.StartupTimeout);
        RequirePositive(errors, prefix, nameof(GatewayOptions.StopTimeout), options.StopTimeout);
        RequirePositive(errors, prefix, nameof(GatewayOptions.KillTimeout), options.KillTimeout);

        RequirePositive(errors, prefix, nameof(GatewayOptions.RestartBackoffBase), options.RestartBackoffBase);
        RequirePositive(errors, prefix, nameof(GatewayOptions.RestartBackoffMax), options.RestartBackoffMax);
        RequirePositive(errors, prefix, nameof(GatewayOptions.RestartResetAfter), options.RestartResetAfter);
        RequirePositive(errors, prefix, nameof(GatewayOptions.CrashLoopWindow), options.CrashLoopWindow);
        if (options.RestartBackoffMax < options.RestartBackoffBase)
        {
            errors.Add($"{prefix}RestartBackoffMax ({options.RestartBackoffMax}) must not be less than {prefix}RestartBackoffBase ({options.RestartBackoffBase}).");
        }

        if (options.CrashLoopMaxExits < 1)
        {
            errors.Add($"{prefix}CrashLoopMaxExits must be at least 1 (was {options.CrashLoopMaxExits}).");
        }

        if (!Enum.IsDefined(options.RestartPolicy))
        {
            errors.Add($"{prefix}RestartPolicy must be Never, OnFailure or Always (was {options.RestartPolicy}).");
        }

        if (options.PidFilePath is { } pidFile && (pidFile.Length == 0 || pidFile.EndsWith('/') || pidFile.EndsWith('\\')))
        {
            errors.Add($"{prefix}PidFilePath must name a file (was '{pidFile}').");
        }

        if (options.LogCapacity < 1)
        {
            errors.Add($"{prefix}LogCapacity must be at least 1 (was {options.LogCapacity}).");
        }

        if (options.MaxLineLength < 16)
        {
            errors.Add($"{prefix}MaxLineLength must be at least 16 (was {options.MaxLineLength}).");
        }

        if (options.UnhealthyThreshold < 0)
        {
            errors.Add($"{prefix}UnhealthyThreshold must be 0 (never demote) or more (was {options.UnhealthyThreshold}).");
        }

        foreach (var argument in options.Arguments)
        {
            if (argument is null || argument.Contains('\0', StringComparison.Ordinal))
            {
                errors.Add($"{prefix}Arguments must not contain null or NUL characters.");
                break;
            }
        }

        ContainmentRules.Validate(errors, prefix, options);
        Health.ReadinessRules.Validate(errors, prefix, options);

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateEnvironment(List<string> errors, string prefix, GatewayOptions options)
    {
        foreach (var (key, _) in options.Environment)
        {
            if (!GatewayEnvironment.IsValidName(key))
            {
                errors.Add($"{prefix}Environment has an invalid variable name '{key}'.");
            }
        }

        for (var i = 0; i < options.EnvironmentRemove.Count; i++)
        {
            if (GatewayEnvironment.CheckRemoveEntry(options.EnvironmentRemove[i]) is { } problem)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{prefix}EnvironmentRemove:{i} {problem}"));
            }
        }
    }

    private static void RequirePositive(List<string> errors, string prefix, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero || value == Timeout.InfiniteTimeSpan)
        {
            errors.Add($"{prefix}{key} must be a positive duration such as 00:00:05 (was {value}).");
        }
    }
}
