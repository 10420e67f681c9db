using System.Collections;

namespace Pico.Gateway.Management.Processes;

/// <summary>
/// The environment a gateway starts with: the host's variables (unless <see cref="GatewayOptions.InheritEnvironment"/> is off)
/// without those <see cref="GatewayOptions.EnvironmentRemove"/> names, then <see cref="GatewayOptions.Environment"/> on top.
/// Removal matches names ignoring case on every platform: .NET configuration reads <c>samplehost__accesstoken</c> as
/// <c>SampleHost:AccessToken</c>, so a secret must not slip through under another spelling.
/// </summary>
internal static class GatewayEnvironment
{
    /// <summary>Variable names compare as the platform compares them: on Windows FOO and foo are one variable.</summary>
    private static StringComparer PlatformNames => OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    /// <summary>The child's environment for <paramref name="startInfo"/>, from the host's current variables.</summary>
    public static Dictionary<string, string> For(GatewayProcessStartInfo startInfo) =>
        Build(HostVariables(), startInfo.InheritEnvironment, startInfo.EnvironmentRemove, startInfo.Environment, PlatformNames);

    /// <summary>The child's environment as posix_spawn takes it: <c>NAME=value</c> strings.</summary>
    public static List<string> Block(GatewayProcessStartInfo startInfo) =>
        [.. For(startInfo).Select(pair => pair.Key + "=" + pair.Value)];

    public static Dictionary<string, string> Build(
        IEnumerable<KeyValuePair<string, string>> host,
        bool inherit,
        IReadOnlyList<string> remove,
        IReadOnlyDictionary<string, string> set,
        StringComparer names)
    {
        var result = new Dictionary<string, string>(names);
        if (inherit)
        {
            foreach (var (name, value) in host)
            {
                if (!IsRemoved(name, remove) && !IsHostsOwnServiceManagerVariable(name))
                {
                    result[name] = value;
                }
            }
        }

        foreach (var (name, value) in set)
        {
            result[name] = value;
        }

        return result;
    }

    /// <summary>Whether an entry of <paramref name="remove"/> names <paramref name="name"/>: exactly, or as a prefix ending in <c>*</c>.</summary>
    public static bool IsRemoved(string name, IReadOnlyList<string> remove)
    {
        foreach (var entry in remove)
        {
            var matches = entry.EndsWith('*')
                ? name.StartsWith(entry.AsSpan(0, entry.Length - 1), StringComparison.OrdinalIgnoreCase)
                : name.Equals(entry, StringComparison.OrdinalIgnoreCase);
            if (matches)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Variables a service manager (systemd) gave the host about the host itself: a gateway that inherited NOTIFY_SOCKET would tell
    /// the host's supervisor that the host is ready or stopping. The Notify readiness mode passes the gateway its own socket.
    /// </summary>
    public static bool IsHostsOwnServiceManagerVariable(string name) =>
        name is "NOTIFY_SOCKET" or "WATCHDOG_USEC" or "WATCHDOG_PID" or "LISTEN_FDS" or "LISTEN_PID" or "LISTEN_FDNAMES";

    public static bool IsValidName(string name) =>
        name.Length > 0 && !name.Contains('=', StringComparison.Ordinal) && !name.Contains('\0', StringComparison.Ordinal);

    /// <summary>What is wrong with an entry of <see cref="GatewayOptions.EnvironmentRemove"/>, or <see langword="null"/>.</summary>
    public static string? CheckRemoveEntry(string? entry)
    {
        if (entry == "*")
        {
            return "is '*', which would remove every variable: set InheritEnvironment to false instead.";
        }

        var name = entry is not null && entry.EndsWith('*') ? entry[..^1] : entry;
        return name is null || !IsValidName(name) || name.Contains('*', StringComparison.Ordinal)
            ? $"must be a variable name, or a prefix ending in '*' (was '{entry}')."
            : null;
    }

    private static IEnumerable<KeyValuePair<string, string>> HostVariables()
    {
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            yield return new((string)entry.Key, (string?)entry.Value ?? string.Empty);
        }
    }
}
