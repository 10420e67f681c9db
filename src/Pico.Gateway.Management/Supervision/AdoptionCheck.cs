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

        // A record taken while the trampoline still ran (a host killed between the spawn and the gateway's first answer) names the
        // shell: the process is the gateway it exec'd by now, or, just as well, still the trampoline of that record.
        var running = ProcessInspection.TryGetExecutable(pid);
        var commandLine = ProcessInspection.TryGetCommandLine(pid);
        if (Matches(running, commandLine, record.Executable, record.CommandLine))
        {
            return null;
        }

        if (GatewayTrampoline.Unwrap(record.Executable, record.CommandLine) is not { } trampolined)
        {
            return string.Equals(running, record.Executable, StringComparison.Ordinal)
                ? $"pid {pid} has another command line than the one recorded"
                : $"pid {pid} runs another executable than the one recorded ({record.Executable})";
        }

        var (gateway, expected) = trampolined;
        var resolved = new FileInfo(gateway).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(gateway);
        if (!string.Equals(running, resolved, StringComparison.Ordinal))
        {
            return $"pid {pid} runs another executable than the one recorded ({resolved})";
        }

        return Matches(running, commandLine, resolved, expected) ? null : $"pid {pid} has another command line than the one recorded";
    }

    private static bool Matches(string? executable, IReadOnlyList<string>? commandLine, string expectedExecutable, IReadOnlyList<string> expected) =>
        string.Equals(executable, expectedExecutable, StringComparison.Ordinal)
        && commandLine is not null
        && commandLine.SequenceEqual(expected, StringComparer.Ordinal);
}
