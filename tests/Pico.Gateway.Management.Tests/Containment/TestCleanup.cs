using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Tests.Containment;

/// <summary>What a containment test runs in its finally: whatever the outcome, nothing it started survives it.</summary>
internal static class TestCleanup
{
    /// <summary>Kills every live process carrying the test's marker (each checked again right before its signal).</summary>
    public static void KillMarked(string marker)
    {
        foreach (var pid in ProcessTable.LiveProcessesWithMarker(marker))
        {
            if (ProcessTable.IsAliveWithMarker(pid, marker))
            {
                _ = LibC.kill(pid, LibC.SIGKILL);
            }
        }
    }

    /// <summary>Asserts that the run's escapee died and its cgroup (if it had one) is gone: the rows of issue 9's table.</summary>
    public static void AssertTreeGone(Escapee escapee, string? cgroup, string what)
    {
        Assert.False(escapee.IsAlive, $"{escapee} survived {what}");
        if (cgroup is not null)
        {
            Assert.False(Directory.Exists(cgroup), $"the cgroup {cgroup} was left behind");
        }
    }

    /// <summary>Whatever a containment test did: the escapee, everything carrying the marker and the cgroup are gone after it.</summary>
    public static void KillTree(Escapee? escapee, string marker, string? cgroup)
    {
        escapee?.KillIfAlive();
        KillMarked(marker);
        if (cgroup is not null)
        {
            ContainmentMachine.RemoveCgroup(cgroup);
        }
    }

    public static void DeleteFile(string path)
    {
        File.Delete(path);
        File.Delete(path + ".tmp");
    }
}
