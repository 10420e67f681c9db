using System.Globalization;
using System.Text;

namespace Pico.Gateway.Management.Tests.Testing;

/// <summary>Reads /proc to find processes a test started, by a marker in their environment, so a test can prove none survived.</summary>
internal static class ProcessTable
{
    public static IReadOnlyList<int> LiveProcessesWithMarker(string marker)
    {
        var needle = Encoding.UTF8.GetBytes(marker);
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || !IsAlive(pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllBytes(Path.Combine(directory, "environ")).AsSpan().IndexOf(needle) >= 0)
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // Exited while we looked.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours.
            }
        }

        return found;
    }

    /// <summary>A live process whose environment carries the marker: one a test may signal.</summary>
    public static bool IsAliveWithMarker(int pid, string marker)
    {
        try
        {
            return IsAlive(pid)
                && File.ReadAllBytes($"/proc/{pid}/environ").AsSpan().IndexOf(Encoding.UTF8.GetBytes(marker)) >= 0;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A process exists and is not a zombie (an exited process whose parent has not reaped it yet is dead).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
