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

    public static void DeleteFile(string path)
    {
        File.Delete(path);
        File.Delete(path + ".tmp");
    }
}
