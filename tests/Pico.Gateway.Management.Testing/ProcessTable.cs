using System.Globalization;
using System.Text;

namespace Pico.Gateway.Management.Testing;

/// <summary>
/// Reads /proc to find the processes a test started, by a marker in their environment, so a test can prove none survived and
/// signal only processes it owns. On a system without /proc nothing is found and nothing is alive.
/// </summary>
public static class ProcessTable
{
    /// <summary>The pids of live processes whose environment contains <paramref name="marker"/> (a unique value, such as a GUID).</summary>
    public static IReadOnlyList<int> LiveProcessesWithMarker(string marker)
    {
        if (!OperatingSystem.IsLinux())
        {
            return [];
        }

        var needle = Encoding.UTF8.GetBytes(marker);
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && EnvironmentContains(pid, needle)
                && IsAlive(pid))
            {
                found.Add(pid);
            }
        }

        return found;
    }

    /// <summary>
    /// <see cref="LiveProcessesWithMarker"/> without the processes that are still the library's trampoline (<c>/bin/sh -c … pico-gateway
    /// …</c>): a spawn held at its exec gate, or the spare kept for the next run, is not a gateway yet. Nor is a process whose command
    /// line is already gone: it is exiting (a discarded spare, between the scan that found it alive and the read of its command line).
    /// </summary>
    public static IReadOnlyList<int> LiveGatewaysWithMarker(string marker) =>
        [.. LiveProcessesWithMarker(marker).Where(pid => ReadCommandLine(pid) is { Length: > 0 } arguments && !IsTrampoline(arguments))];

    /// <summary>Whether <paramref name="pid"/> still runs the library's trampoline, before its exec of the gateway.</summary>
    public static bool IsTrampoline(int pid) => ReadCommandLine(pid) is { } arguments && IsTrampoline(arguments);

    private static bool IsTrampoline(string[] arguments) => arguments.Length > 3 && arguments[1] == "-c" && arguments[3] == "pico-gateway";

    // The arguments, or an empty array once the process has let go of its memory (exiting), or null when it is gone.
    private static string[]? ReadCommandLine(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline");
            return text.Length == 0 ? [] : text.TrimEnd('\0').Split('\0');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="pid"/> is a live process whose environment carries <paramref name="marker"/>: one a test may signal.</summary>
    public static bool IsAliveWithMarker(int pid, string marker) =>
        OperatingSystem.IsLinux() && EnvironmentContains(pid, Encoding.UTF8.GetBytes(marker)) && IsAlive(pid);

    /// <summary>Whether the pid names a live process: a zombie (exited, not yet reaped by its parent) counts as gone.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].TrimStart()[0];
            return state is not ('Z' or 'X');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return false;
        }
    }

    private static bool EnvironmentContains(int pid, byte[] needle)
    {
        try
        {
            return File.ReadAllBytes($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/environ").AsSpan().IndexOf(needle) >= 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The process exited while we looked, or is not ours to read.
            return false;
        }
    }
}
