using System.Globalization;

namespace Pico.Gateway.Management.Processes;

/// <summary>
/// A process is identified by its pid AND its start time: a pid alone may have been recycled for a stranger since it was recorded,
/// and a stranger must never be signalled.
/// </summary>
internal static class ProcessIdentity
{
    /// <summary>Reads the start time of a live (non-zombie) process: on Linux field 22 of /proc/&lt;pid&gt;/stat (clock ticks since boot).</summary>
    public static bool TryGetStartTime(int pid, out long startTime)
    {
        startTime = 0;
        if (pid <= 0)
        {
            return false;
        }

        if (OperatingSystem.IsLinux())
        {
            string stat;
            try
            {
                stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            }
            catch (IOException)
            {
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }

            // The command name (field 2) may contain spaces and parentheses: fields are counted from its closing parenthesis.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19
                && fields[0] is not ("Z" or "X")
                && long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out startTime);
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            startTime = process.StartTime.ToUniversalTime().Ticks;
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public static bool IsSameProcess(int pid, long startTime) => TryGetStartTime(pid, out var current) && current == startTime;
}
