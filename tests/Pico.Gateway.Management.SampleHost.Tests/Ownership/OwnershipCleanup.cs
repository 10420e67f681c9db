using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Ownership;

/// <summary>After a failure, a gateway whose host was killed belongs to no process the test holds: it is found by its marker.</summary>
internal static class OwnershipCleanup
{
    public static void KillSurvivors(TestWorkspace workspace)
    {
        foreach (var survivor in ProcessTable.LiveProcessesWithMarker(workspace.Marker))
        {
            try
            {
                PosixSignals.Send(survivor, PosixSignals.SIGKILL);
            }
            catch (InvalidOperationException)
            {
                // Gone meanwhile.
            }
        }
    }
}
