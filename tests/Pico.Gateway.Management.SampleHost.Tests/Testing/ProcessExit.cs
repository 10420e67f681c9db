using System.Runtime.InteropServices;

namespace Pico.Gateway.Management.SampleHost.Tests.Testing;

/// <summary>Waits for a process that is not the test's child to exit, from the kernel's notification (a pidfd), not by polling.</summary>
internal static class ProcessExit
{
    /// <summary>True once <paramref name="pid"/> exited (or was already gone); false at the guard.</summary>
    public static bool Wait(int pid, TimeSpan guard)
    {
        var pidfd = pidfd_open(pid, 0);
        if (pidfd < 0)
        {
            // ESRCH: gone already, reaped included.
            return Marshal.GetLastPInvokeError() == 3 ? true : throw new InvalidOperationException($"pidfd_open({pid}) failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }

        try
        {
            return PollWait.Readable(pidfd, guard);
        }
        finally
        {
            PollWait.Close(pidfd);
        }
    }

#pragma warning disable SYSLIB1054, CA5392
    [DllImport("libc", SetLastError = true)]
    private static extern int pidfd_open(int pid, uint flags);
#pragma warning restore SYSLIB1054, CA5392
}
