using System.Runtime.InteropServices;

namespace Pico.Gateway.Management.SampleHost.Tests.Testing;

/// <summary>poll(2) on one descriptor and close(2): what the tests' kernel-notification waits (a FIFO's inotify, a pidfd) share.</summary>
internal static class PollWait
{
    private const short PollIn = 1;

    /// <summary>Whether <paramref name="fd"/> became readable before <paramref name="guard"/>.</summary>
    public static bool Readable(int fd, TimeSpan guard)
    {
        var fds = new[] { new PollFd { Fd = fd, Events = PollIn } };
        return poll(fds, 1, (int)guard.TotalMilliseconds) > 0;
    }

    public static void Close(int fd) => _ = close(fd);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    // DllImport, not LibraryImport: this project allows no unsafe code, and these signatures need no marshalling code of their own.
#pragma warning disable SYSLIB1054, CA5392
    [DllImport("libc", SetLastError = true)]
    private static extern int poll([In, Out] PollFd[] fds, nuint count, int timeout);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
#pragma warning restore SYSLIB1054, CA5392
}
