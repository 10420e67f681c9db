using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Pico.Gateway.Management.Configuration;

/// <summary>
/// Binds <see cref="GatewayOptions"/> from a configuration section by hand: no reflection (AOT-safe), and a value that does not
/// parse becomes a validation error naming its key, reported together with every other error when the host starts.
/// </summary>
internal sealed class GatewayOptionsConfiguration(IConfiguration? configuration, string optionsName, string sectionPath) : IConfigureNamedOptions<GatewayOptions>
{
    public void Configure(GatewayOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, GatewayOptions options)
    {
        if (!string.Equals(name ?? Options.DefaultName, optionsName, StringComparison.Ordinal))
        {
            return;
        }

        options.SectionPath = sectionPath;
        if (configuration is null)
        {
            return;
        }

        Bind(configuration.GetSection(sectionPath), options);
    }

    internal static void Bind(IConfigurationSection section, GatewayOptions options)
    {
        var errors = options.BindingErrors;
        foreach (var child in section.GetChildren())
        {
            var key = child.Key;
            var value = child.Value;
            switch (key.ToUpperInvariant())
            {
                case "EXECUTABLEPATH":
                    options.ExecutablePath = value;
                    break;
                case "WORKINGDIRECTORY":
                    options.WorkingDirectory = string.IsNullOrEmpty(value) ? null : value;
                    break;
                case "HEALTHCHECKURL":
                    options.HealthCheckUrl = value ?? options.HealthCheckUrl;
                    break;
                case "ARGUMENTS":
                    BindArguments(child, options.Arguments);
                    break;
                case "ENVIRONMENT":
                    foreach (var variable in child.GetChildren())
                    {
                        options.Environment[variable.Key] = variable.Value ?? string.Empty;
                    }

                    break;
                case "HEALTHCHECKINTERVAL":
                    options.HealthCheckInterval = ParseDuration(child, options.HealthCheckInterval, errors);
                    break;
                case "STARTUPPROBEINTERVAL":
                    options.StartupProbeInterval = ParseDuration(child, options.StartupProbeInterval, errors);
                    break;
                case "HEALTHCHECKTIMEOUT":
                    options.HealthCheckTimeout = ParseDuration(child, options.HealthCheckTimeout, errors);
                    break;
                case "STARTUPTIMEOUT":
                    options.StartupTimeout = ParseDuration(child, options.StartupTimeout, errors);
                    break;
                case "STOPTIMEOUT":
                    options.StopTimeout = ParseDuration(child, options.StopTimeout, errors);
                    break;
                case "KILLTIMEOUT":
                    options.KillTimeout = ParseDuration(child, options.KillTimeout, errors);
                    break;
                case "LOGCAPACITY":
                    options.LogCapacity = ParseInt(child, options.LogCapacity, errors);
                    break;
                case "MAXLINELENGTH":
                    options.MaxLineLength = ParseInt(child, options.MaxLineLength, errors);
                    break;
                case "UNHEALTHYTHRESHOLD":
                    options.UnhealthyThreshold = ParseInt(child, options.UnhealthyThreshold, errors);
                    break;
                case "RESTARTPOLICY":
                    options.RestartPolicy = ParseEnum(child, options.RestartPolicy, errors);
                    break;
                case "RESTARTBACKOFFBASE":
                    options.RestartBackoffBase = ParseDuration(child, options.RestartBackoffBase, errors);
                    break;
                case "RESTARTBACKOFFMAX":
                    options.RestartBackoffMax = ParseDuration(child, options.RestartBackoffMax, errors);
                    break;
                case "RESTARTRESETAFTER":
                    options.RestartResetAfter = ParseDuration(child, options.RestartResetAfter, errors);
                    break;
                case "CRASHLOOPMAXEXITS":
                    options.CrashLoopMaxExits = ParseInt(child, options.CrashLoopMaxExits, errors);
                    break;
                case "CRASHLOOPWINDOW":
                    options.CrashLoopWindow = ParseDuration(child, options.CrashLoopWindow, errors);
                    break;
                case "PIDFILEPATH":
                    options.PidFilePath = string.IsNullOrEmpty(value) ? null : value;
                    break;
                case "AUTOSTART":
                    options.AutoStart = ParseBool(child, options.AutoStart, errors);
                    break;
                default:
                    break;
            }
        }
    }

    private static void BindArguments(IConfigurationSection section, IList<string> arguments)
    {
        var items = section.GetChildren().ToList();
        if (items.Count == 0)
        {
            if (!string.IsNullOrEmpty(section.Value))
            {
                arguments.Clear();
                arguments.Add(section.Value);
            }

            return;
        }

        arguments.Clear();
        var ordered = items.OrderBy(item => int.TryParse(item.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : int.MaxValue);
        foreach (var item in ordered)
        {
            arguments.Add(item.Value ?? string.Empty);
        }
    }

    private delegate bool TryParser<T>(string text, out T value);

    private static TimeSpan ParseDuration(IConfigurationSection section, TimeSpan current, List<string> errors) =>
        Parse(section, current, errors, static (string text, out TimeSpan value) => TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value), "is not a duration", " (use hh:mm:ss, e.g. 00:00:05)");

    private static int ParseInt(IConfigurationSection section, int current, List<string> errors) =>
        Parse(section, current, errors, static (string text, out int value) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value), "is not a whole number", string.Empty);

    private static bool ParseBool(IConfigurationSection section, bool current, List<string> errors) =>
        Parse(section, current, errors, static (string text, out bool value) => bool.TryParse(text, out value), "is not true or false", string.Empty);

    /// <summary>An empty value keeps the default; one that does not parse keeps it too and becomes an error naming the key.</summary>
    private static T Parse<T>(IConfigurationSection section, T current, List<string> errors, TryParser<T> tryParse, string problem, string hint)
    {
        if (string.IsNullOrWhiteSpace(section.Value))
        {
            return current;
        }

        if (tryParse(section.Value, out var value))
        {
            return value;
        }

        errors.Add($"{section.Path} {problem}: '{section.Value}'{hint}.");
        return current;
    }

    private static GatewayRestartPolicy ParseEnum(IConfigurationSection section, GatewayRestartPolicy current, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(section.Value))
        {
            return current;
        }

        if (Enum.TryParse<GatewayRestartPolicy>(section.Value, ignoreCase: true, out var value)
            && Enum.IsDefined(value)
            && !char.IsDigit(section.Value.Trim()[0]))
        {
            return value;
        }

        errors.Add($"{section.Path} must be Never, OnFailure or Always (was '{section.Value}').");
        return current;
    }
}
