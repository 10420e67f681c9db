using System.Runtime.InteropServices;

namespace Pico.Gateway.Management.Benchmarks.Infrastructure;

internal static partial class Native
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;
    private const short POLLIN = 1;

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", SetLastError = true)]
    public static partial int kill(int pid, int signal);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int pidfd_open(int pid, uint flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int poll(PollFd* fds, nuint count, int timeout);

    /// <summary>Blocks until the pidfd is readable (the process exited) or the timeout passes; true on exit.</summary>
    public static unsafe bool WaitReadable(int fd, int timeoutMs)
    {
        var pollFd = new PollFd { Fd = fd, Events = POLLIN };
        while (true)
        {
            var result = poll(&pollFd, 1, timeoutMs);
            if (result > 0)
            {
                return true;
            }

            if (result == 0 || Marshal.GetLastPInvokeError() != 4)
            {
                return false;
            }
        }
    }
}
