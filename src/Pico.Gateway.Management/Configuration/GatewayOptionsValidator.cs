using Microsoft.Extensions.Options;

namespace Pico.Gateway.Management.Configuration;

/// <summary>Validates <see cref="GatewayOptions"/>, reporting every problem at once with the configuration key it concerns.</summary>
internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var errors = new List<string>(options.BindingErrors);
        var section = options.SectionPath;

        if (string.IsNullOrWhiteSpace(options.ExecutablePath))
        {
            errors.Add($"{section}:ExecutablePath is required: the gateway executable to start.");
        }

        if (!Uri.TryCreate(options.HealthCheckUrl, UriKind.Absolute, out var healthUrl)
            || (healthUrl.Scheme != Uri.UriSchemeHttp && healthUrl.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{section}:HealthCheckUrl must be an absolute http or https URL (was '{options.HealthCheckUrl}').");
        }

        RequirePositive(errors, section, nameof(GatewayOptions.HealthCheckInterval), options.HealthCheckInterval);
        RequirePositive(errors, section, nameof(GatewayOptions.StartupProbeInterval), options.StartupProbeInterval);
        RequirePositive(errors, section, nameof(GatewayOptions.HealthCheckTimeout), options.HealthCheckTimeout);
        RequirePositive(errors, section, nameof(GatewayOptions.StartupTimeout), options.StartupTimeout);
        RequirePositive(errors, section, nameof(GatewayOptions.StopTimeout), options.StopTimeout);
        RequirePositive(errors, section, nameof(GatewayOptions.KillTimeout), options.KillTimeout);

        RequirePositive(errors, section, nameof(GatewayOptions.RestartBackoffBase), options.RestartBackoffBase);
        RequirePositive(errors, section, nameof(GatewayOptions.RestartBackoffMax), options.RestartBackoffMax);
        RequirePositive(errors, section, nameof(GatewayOptions.RestartResetAfter), options.RestartResetAfter);
        RequirePositive(errors, section, nameof(GatewayOptions.CrashLoopWindow), options.CrashLoopWindow);
        if (options.RestartBackoffMax < options.RestartBackoffBase)
        {
            errors.Add($"{section}:RestartBackoffMax ({options.RestartBackoffMax}) must not be less than {section}:RestartBackoffBase ({options.RestartBackoffBase}).");
        }

        if (options.CrashLoopMaxExits < 1)
        {
            errors.Add($"{section}:CrashLoopMaxExits must be at least 1 (was {options.CrashLoopMaxExits}).");
        }

        if (!Enum.IsDefined(options.RestartPolicy))
        {
            errors.Add($"{section}:RestartPolicy must be Never, OnFailure or Always (was {options.RestartPolicy}).");
        }

        if (options.PidFilePath is { } pidFile && (pidFile.Length == 0 || pidFile.EndsWith('/') || pidFile.EndsWith('\\')))
        {
            errors.Add($"{section}:PidFilePath must name a file (was '{pidFile}').");
        }

        if (options.LogCapacity < 1)
        {
            errors.Add($"{section}:LogCapacity must be at least 1 (was {options.LogCapacity}).");
        }

        if (options.MaxLineLength < 16)
        {
            errors.Add($"{section}:MaxLineLength must be at least 16 (was {options.MaxLineLength}).");
        }

        if (options.UnhealthyThreshold < 0)
        {
            errors.Add($"{section}:UnhealthyThreshold must be 0 (never demote) or more (was {options.UnhealthyThreshold}).");
        }

        foreach (var argument in options.Arguments)
        {
            if (argument is null || argument.Contains('\0', StringComparison.Ordinal))
            {
                errors.Add($"{section}:Arguments must not contain null or NUL characters.");
                break;
            }
        }

        foreach (var (key, _) in options.Environment)
        {
            if (key.Length == 0 || key.Contains('=', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal))
            {
                errors.Add($"{section}:Environment has an invalid variable name '{key}'.");
            }
        }

        ContainmentRules.Validate(errors, section, options);

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void RequirePositive(List<string> errors, string section, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero || value == Timeout.InfiniteTimeSpan)
        {
            errors.Add($"{section}:{key} must be a positive duration such as 00:00:05 (was {value}).");
        }
    }
}
