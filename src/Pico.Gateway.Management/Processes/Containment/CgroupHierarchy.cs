using System.Globalization;

namespace Pico.Gateway.Management.Processes.Containment;

/// <summary>
/// Where the cgroup v2 hierarchy is mounted and where the host sits in it. Both are read, never assumed: a hybrid system mounts it at
/// /sys/fs/cgroup/unified, a container may mount only its own subtree (the mount's root is then not the hierarchy's root).
/// </summary>
internal static class CgroupHierarchy
{
    /// <summary>Finds the host's own cgroup directory, or says why there is none.</summary>
    public static bool TryFindOwnCgroup(out string directory, out string reason) =>
        TryFindOwnCgroup(ReadOrNull("/proc/self/mountinfo"), ReadOrNull("/proc/self/cgroup"), out directory, out reason);

    internal static bool TryFindOwnCgroup(string? mountInfo, string? cgroupFile, out string directory, out string reason)
    {
        directory = string.Empty;
        if (mountInfo is null || cgroupFile is null)
        {
            reason = "/proc/self/mountinfo or /proc/self/cgroup cannot be read";
            return false;
        }

        var own = OwnPath(cgroupFile);
        if (string.IsNullOrEmpty(own) || own.EndsWith(" (deleted)", StringComparison.Ordinal))
        {
            reason = "the host is in no cgroup v2 (no '0::' line in /proc/self/cgroup)";
            return false;
        }

        foreach (var (root, mountPoint) in Mounts(mountInfo))
        {
            if (root == "/" || own == root || own.StartsWith(root + "/", StringComparison.Ordinal))
            {
                directory = Join(mountPoint, root == "/" ? own : own[root.Length..]);
                reason = string.Empty;
                return true;
            }
        }

        reason = "no cgroup2 file system is mounted (/proc/self/mountinfo) that holds the host's cgroup";
        return false;
    }

    /// <summary>The path, in the hierarchy (as /proc/&lt;pid&gt;/cgroup shows it), of a directory of a mounted cgroup2 file system; null if it is in none.</summary>
    public static string? ToCgroupPath(string directory) => ToCgroupPath(ReadOrNull("/proc/self/mountinfo"), directory);

    internal static string? ToCgroupPath(string? mountInfo, string directory)
    {
        if (mountInfo is null)
        {
            return null;
        }

        directory = directory.TrimEnd('/');
        string? best = null;
        var bestLength = -1;
        foreach (var (root, mountPoint) in Mounts(mountInfo))
        {
            var point = mountPoint.TrimEnd('/');
            if ((directory == point || directory.StartsWith(point + "/", StringComparison.Ordinal)) && point.Length > bestLength)
            {
                var rest = directory[point.Length..];
                best = root == "/" ? (rest.Length == 0 ? "/" : rest) : root + rest;
                bestLength = point.Length;
            }
        }

        return best;
    }

    /// <summary>The cgroup path of a process (the '0::' line of /proc/&lt;pid&gt;/cgroup), or null when it cannot be read.</summary>
    public static string? CgroupOf(int pid) => OwnPath(ReadOrNull($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cgroup"));

    private static string? OwnPath(string? cgroupFile) =>
        cgroupFile?.Split('\n').FirstOrDefault(line => line.StartsWith("0::", StringComparison.Ordinal))?[3..].Trim();

    private static string Join(string mountPoint, string relative)
    {
        var joined = mountPoint.TrimEnd('/') + (relative == "/" ? string.Empty : relative);
        return joined.Length == 0 ? "/" : joined;
    }

    private static IEnumerable<(string Root, string MountPoint)> Mounts(string mountInfo)
    {
        foreach (var line in mountInfo.Split('\n'))
        {
            // id parent major:minor root mount-point options [optional fields...] - fstype source super-options
            var separator = line.IndexOf(" - ", StringComparison.Ordinal);
            if (separator < 0 || !line.AsSpan(separator + 3).StartsWith("cgroup2 ", StringComparison.Ordinal))
            {
                continue;
            }

            var fields = line[..separator].Split(' ');
            if (fields.Length >= 5)
            {
                yield return (Unescape(fields[3]), Unescape(fields[4]));
            }
        }
    }

    // mountinfo escapes space, tab, newline and backslash as a backslash and three octal digits.
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var builder = new System.Text.StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && IsOctal(field[i + 1]) && IsOctal(field[i + 2]) && IsOctal(field[i + 3]))
            {
                builder.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                builder.Append(field[i]);
            }
        }

        return builder.ToString();
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
