using System.Globalization;

namespace Pico.Gateway.Management.Processes.Containment;

/// <summary>The fields of <c>/proc/&lt;pid&gt;/stat</c> containment reads: state, parent, process group and start time.</summary>
internal readonly record struct ProcStat(char State, int ParentId, int GroupId, long StartTime)
{
    /// <summary>Gets a value indicating whether the process still runs: a zombie has exited, only its parent has not reaped it yet.</summary>
    public bool IsAlive => State is not ('Z' or 'X');

    public static bool TryRead(int pid, out ProcStat stat)
    {
        stat = default;
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        // The command name (field 2) may contain spaces and parentheses: fields are counted from its closing parenthesis.
        var close = text.LastIndexOf(')');
        if (close < 0 || close + 2 >= text.Length)
        {
            return false;
        }

        var fields = text[(close + 2)..].Split(' ');
        if (fields.Length <= 19
            || !int.TryParse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parent)
            || !int.TryParse(fields[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var group)
            || !long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            return false;
        }

        stat = new ProcStat(fields[0][0], parent, group, start);
        return true;
    }

    /// <summary>Lists the pids under /proc, not counting the calling process.</summary>
    public static List<int> OtherProcessIds()
    {
        var self = Environment.ProcessId;
        var pids = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory.AsSpan()), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid != self)
            {
                pids.Add(pid);
            }
        }

        return pids;
    }

    /// <summary>The children of <paramref name="pid"/>'s threads (/proc/&lt;pid&gt;/task/&lt;tid&gt;/children); none where the kernel lacks the file.</summary>
    public static List<int> ChildrenOf(int pid)
    {
        var children = new List<int>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task"))
            {
                var file = Path.Combine(task, "children");
                if (!File.Exists(file))
                {
                    return children;
                }

                foreach (var child in File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (int.TryParse(child, NumberStyles.None, CultureInfo.InvariantCulture, out var childPid))
                    {
                        children.Add(childPid);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Gone while we looked.
        }

        return children;
    }

    /// <summary>Whether <paramref name="ancestor"/> is <paramref name="pid"/> or one of its ancestors (walks at most 64 parents).</summary>
    public static bool DescendsFrom(int pid, int ancestor)
    {
        for (var depth = 0; depth < 64 && pid > 1; depth++)
        {
            if (pid == ancestor)
            {
                return true;
            }

            if (!TryRead(pid, out var stat))
            {
                return false;
            }

            pid = stat.ParentId;
        }

        return false;
    }
}
