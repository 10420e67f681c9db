using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// The rules a recorded process must pass before it is adopted, and so before it can ever be signalled: a group signal to
/// what we adopt must reach exactly the gateway tree we started, never pid 1, this host, its ancestors or a stranger.
/// </summary>
internal static class AdoptionCheck
{
    /// <summary>Why <paramref name="record"/> names no process of ours, or null when it may be adopted.</summary>
    public static string? Refuse(GatewayPidRecord record, Func<int, long?> startTimeOf)
    {
        var pid = record.ProcessId;
        if (pid <= 1)
        {
            return $"pid {pid} can never be a gateway";
        }

        if (startTimeOf(pid) != record.StartTime)
        {
            return $"pid {pid} is gone or now names another process";
        }

        if (!OperatingSystem.IsLinux())
        {
            return pid == Environment.ProcessId ? $"pid {pid} is this host" : null;
        }

        if (ProcessInspection.IsSelfOrAncestor(pid))
        {
            return $"pid {pid} is this host or one of its ancestors";
        }

        if (!ProcessInspection.TryGetParentAndGroup(pid, out _, out var group) || group != pid)
        {
            return $"pid {pid} no longer leads its process group, so a group signal would not reach exactly the gateway";
        }

        if (record.Executable is null || record.CommandLine is null)
        {
            return $"the record of pid {pid} has no executable and command line to check";
        }

        var (executable, expected) = AfterTrampoline(record.Executable, record.CommandLine);
        if (!string.Equals(ProcessInspection.TryGetExecutable(pid), executable, StringComparison.Ordinal))
        {
            return $"pid {pid} runs another executable than the one recorded ({executable})";
        }

        var commandLine = ProcessInspection.TryGetCommandLine(pid);
        if (commandLine is null || !commandLine.SequenceEqual(expected, StringComparer.Ordinal))
        {
            return $"pid {pid} has another command line than the one recorded";
        }

        return null;
    }

    /// <summary>
    /// What a record taken while the cgroup trampoline still ran (a host killed between the spawn and the gateway's first answer)
    /// becomes once the trampoline has exec'd: <c>/bin/sh -c &lt;script&gt; pico-gateway &lt;procs&gt; &lt;pwd&gt; exe args...</c>
    /// turns into <c>exe args...</c> running <c>exe</c>. Any other record is expected as it is.
    /// </summary>
    private static (string? Executable, IReadOnlyList<string> CommandLine) AfterTrampoline(string? executable, IReadOnlyList<string> commandLine)
    {
        const int GatewayIndex = 6;
        if (commandLine.Count > GatewayIndex
            && commandLine[1] == "-c"
            && commandLine[2].EndsWith("exec \"$@\"", StringComparison.Ordinal)
            && commandLine[3] == "pico-gateway"
            && executable is not null
            && Path.GetFileName(executable) is "sh" or "dash" or "bash" or "busybox")
        {
            var gateway = commandLine[GatewayIndex];
            var resolved = new FileInfo(gateway).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(gateway);
            return (resolved, commandLine.Skip(GatewayIndex).ToList());
        }

        return (executable, commandLine);
    }
}
