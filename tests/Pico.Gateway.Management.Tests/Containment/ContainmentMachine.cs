using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Processes.Containment;

namespace Pico.Gateway.Management.Tests.Containment;

/// <summary>What containment this machine offers the tests, and launchers forced into one mode.</summary>
internal static class ContainmentMachine
{
    private static readonly Lazy<string?> CgroupProblem = new(FindCgroupProblem);

    /// <summary>Gets why cgroup containment cannot run here, or null when it can.</summary>
    public static string? CgroupUnavailableReason => CgroupProblem.Value;

    /// <summary>Whether a test of <paramref name="mode"/> must be skipped here (cgroup mode without a writable cgroup v2), saying why in the output.</summary>
    public static bool Skips(GatewayContainmentMode mode, Xunit.Abstractions.ITestOutputHelper output)
    {
        if (mode == GatewayContainmentMode.Cgroup && CgroupUnavailableReason is { } reason)
        {
            output.WriteLine($"cgroup containment not tested on this machine: {reason}");
            return true;
        }

        return false;
    }

    public static UnixProcessLauncher Launcher(GatewayContainmentMode mode, bool useKillFile = true) =>
        new(containment: new ContainmentSelector(defaultMode: mode, useKillFile: useKillFile));

    /// <summary>The directory of the cgroup a process is in, while it runs.</summary>
    public static string CgroupDirectoryOf(int pid)
    {
        Assert.True(CgroupHierarchy.TryFindOwnCgroup(out var own, out var reason), reason);
        var ownPath = CgroupHierarchy.CgroupOf(Environment.ProcessId)!;
        var path = CgroupHierarchy.CgroupOf(pid);
        Assert.NotNull(path);

        // The host's own directory minus its own path is where the hierarchy's root is mounted.
        var mountPoint = ownPath == "/" ? own : own[..^ownPath.Length];
        return mountPoint.TrimEnd('/') + path;
    }

    /// <summary>Kills and removes a cgroup a failed test may have left: cleanup, never the thing under test.</summary>
    public static void RemoveCgroup(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        var cgroup = new CgroupDirectory(directory);
        cgroup.KillMembers(useKillFile: cgroup.HasKillFile);
        _ = cgroup.WaitForEvent("populated", "0", Environment.TickCount64 + 10_000);
        _ = cgroup.TryRemove(out _);
    }

    private static string? FindCgroupProblem()
    {
        if (!CgroupHierarchy.TryFindOwnCgroup(out var own, out var reason))
        {
            return reason;
        }

        if (LibC.access(own, 2) != 0)
        {
            return $"{own} is not writable";
        }

        var probe = Path.Combine(own, $"pico-gateway-test-probe-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"cannot create a cgroup under {own}: {ex.Message}";
        }
    }
}
