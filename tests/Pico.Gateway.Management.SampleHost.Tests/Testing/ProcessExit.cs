using System.Runtime.InteropServices;

namespace Pico.Gateway.Management.SampleHost.Tests.Testing;

/// <summary>Waits for a process that is not the test's child to exit, from the kernel's notification (a pidfd), not by polling.</summary>
internal static class ProcessExit
{
    private const short PollIn = 1;

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
            var fds = new[] { new PollFd { Fd = pidfd, Events = PollIn } };
            return poll(fds, 1, (int)guard.TotalMilliseconds) > 0;
        }
        finally
        {
            _ = close(pidfd);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

#pragma warning disable SYSLIB1054, CA5392
    [DllImport("libc", SetLastError = true)]
    private static extern int pidfd_open(int pid, uint flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int poll([In, Out] PollFd[] fds, nuint count, int timeout);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
#pragma warning restore SYSLIB1054, CA5392
}
