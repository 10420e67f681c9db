using Microsoft.Extensions.Logging;
using Pico.Gateway.Management.Diagnostics;

namespace Pico.Gateway.Management.Processes.Containment;

/// <summary>
/// Contains a re-attached gateway as its run was contained, from what the pid file recorded, once that is verified against the live
/// process: a cgroup must be a run cgroup under the parent this host would use and hold the adopted pid; a cookie must be in the
/// adopted pid's environment. What cannot be verified is not trusted: the run falls back to its cookie, then to its process group,
/// and the fallback is logged. A record from before containment was recorded gets the process group, as it always did.
/// </summary>
internal static class AdoptedContainment
{
    public static ProcessTree Restore(GatewayPidRecord record, string? configuredParent, ILogger logger)
    {
        var pid = record.ProcessId;
        var tree = Choose(record, configuredParent, logger, out var reason);
        if (reason is not null)
        {
            Log.AdoptedContainmentDowngraded(logger, pid, tree.Mode, reason);
        }

        tree.Attach(pid);
        return tree;
    }

    private static ProcessTree Choose(GatewayPidRecord record, string? configuredParent, ILogger logger, out string? reason)
    {
        reason = null;
        if (record.Containment is null or GatewayContainmentMode.ProcessGroup || !OperatingSystem.IsLinux())
        {
            return new ProcessGroupTree();
        }

        var pid = record.ProcessId;
        var cookie = RunCookie.TryParse(record.RunCookie);
        if (record.Containment == GatewayContainmentMode.Cgroup)
        {
            string? cgroupPath = null;
            reason = cookie is null ? "the record has no valid run cookie" : RefuseCgroup(record.CgroupDirectory, pid, configuredParent, out cgroupPath);
            if (reason is null && cookie is not null && cgroupPath is not null)
            {
                var cgroup = new CgroupDirectory(record.CgroupDirectory!.TrimEnd('/'));
                return new CgroupProcessTree(cgroup, cgroupPath, cookie, cgroup.HasKillFile, logger);
            }
        }

        if (cookie is not null && cookie.IsCarriedBy(pid))
        {
            return new TrackedProcessTree(cookie);
        }

        reason ??= cookie is null ? "the record has no valid run cookie" : $"pid {pid} does not carry the recorded run cookie";
        return new ProcessGroupTree();
    }

    /// <summary>Why <paramref name="directory"/> is not the adopted run's cgroup, or null when it is (and its path in the hierarchy).</summary>
    internal static string? RefuseCgroup(string? directory, int pid, string? configuredParent, out string? cgroupPath)
    {
        cgroupPath = null;
        if (directory is null || !Path.IsPathFullyQualified(directory) || directory.Contains("/..", StringComparison.Ordinal))
        {
            return "the record has no absolute cgroup directory";
        }

        directory = directory.TrimEnd('/');
        string expectedParent;
        if (configuredParent is not null)
        {
            expectedParent = configuredParent.TrimEnd('/');
        }
        else if (!CgroupHierarchy.TryFindOwnCgroup(out expectedParent, out var reason))
        {
            return reason;
        }

        if (!Path.GetFileName(directory).StartsWith(ContainmentSelector.CgroupPrefix, StringComparison.Ordinal)
            || !string.Equals(Path.GetDirectoryName(directory), expectedParent, StringComparison.Ordinal))
        {
            return $"{directory} is not a run cgroup under {expectedParent}";
        }

        var path = CgroupHierarchy.ToCgroupPath(directory);
        var actual = CgroupHierarchy.CgroupOf(pid);
        if (path is null || actual is null || !(actual == path || actual.StartsWith(path + "/", StringComparison.Ordinal)))
        {
            return $"pid {pid} is not in the recorded cgroup {directory}";
        }

        cgroupPath = path;
        return null;
    }
}
