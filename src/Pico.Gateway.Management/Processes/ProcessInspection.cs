using System.Globalization;
using System.Text;

namespace Pico.Gateway.Management.Processes;

/// <summary>What /proc says about a process (Linux): its parent, its process group, its executable and its command line.</summary>
internal static class ProcessInspection
{
    /// <summary>Reads the parent pid and the process group from /proc/&lt;pid&gt;/stat.</summary>
    public static bool TryGetParentAndGroup(int pid, out int parent, out int group)
    {
        parent = 0;
        group = 0;
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        // The command name (field 2) may contain spaces and parentheses: fields are counted from its closing parenthesis.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ', 4);
        return fields.Length > 2
            && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out parent)
            && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out group);
    }

    /// <summary>Whether <paramref name="pid"/> is this process or one of its ancestors.</summary>
    public static bool IsSelfOrAncestor(int pid)
    {
        var current = Environment.ProcessId;
        for (var depth = 0; depth < 4096 && current > 0; depth++)
        {
            if (current == pid)
            {
                return true;
            }

            if (!TryGetParentAndGroup(current, out current, out _))
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>The executable's path (the target of /proc/&lt;pid&gt;/exe), or null when it cannot be read.</summary>
    public static string? TryGetExecutable(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/exe").LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The command line's arguments (/proc/&lt;pid&gt;/cmdline), or null when it cannot be read.</summary>
    public static IReadOnlyList<string>? TryGetCommandLine(int pid)
    {
        try
        {
            var bytes = File.ReadAllBytes($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline");
            var text = Encoding.UTF8.GetString(bytes).TrimEnd('\0');
            return text.Length == 0 ? [] : text.Split('\0');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
