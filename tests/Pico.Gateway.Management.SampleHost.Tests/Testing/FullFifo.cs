using System.Runtime.InteropServices;

namespace Pico.Gateway.Management.SampleHost.Tests.Testing;

/// <summary>
/// A FIFO with its buffer full, placed where a host will write a file: the host's open succeeds (this end counts as a reader) and
/// its first write blocks for good, so the host is held at that exact point of its work. inotify tells when the host has opened it.
/// </summary>
internal sealed class FullFifo : IDisposable
{
    private const int ORdWr = 2;
    private const int ONonBlock = 0x800;
    private const int OCloExec = 0x80000;
    private const uint InOpen = 0x20;

    private readonly int _fifo;
    private readonly int _inotify;

    public FullFifo(string path)
    {
        Check(mkfifo(path, 0x180), "mkfifo");
        _fifo = Check(open(path, ORdWr | ONonBlock | OCloExec), "open");
        var chunk = new byte[4096];
        while (write(_fifo, chunk, chunk.Length) > 0)
        {
        }

        // The last page may still take a few bytes: one at a time until not even one fits, so any write of the host blocks.
        while (write(_fifo, chunk, 1) > 0)
        {
        }

        _inotify = Check(inotify_init1(OCloExec), "inotify_init1");
        Check(inotify_add_watch(_inotify, path, InOpen), "inotify_add_watch");
    }

    /// <summary>Waits until someone else opened the FIFO (whose next write then blocks); false at the guard.</summary>
    public bool WaitForOpen(TimeSpan guard)
    {
        if (!PollWait.Readable(_inotify, guard))
        {
            return false;
        }

        var events = new byte[4096];
        return read(_inotify, events, events.Length) > 0;
    }

    public void Dispose()
    {
        PollWait.Close(_inotify);
        PollWait.Close(_fifo);
    }

    private static int Check(int result, string call) =>
        result >= 0 ? result : throw new InvalidOperationException($"{call} failed: {Marshal.GetLastPInvokeErrorMessage()}");

    // DllImport, not LibraryImport: this project allows no unsafe code, and these signatures need no marshalling code of their own.
#pragma warning disable SYSLIB1054, CA5392, CA2101
    [DllImport("libc", SetLastError = true)]
    private static extern int mkfifo(string path, uint mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int open(string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern nint write(int fd, byte[] buffer, nint count);

    [DllImport("libc", SetLastError = true)]
    private static extern nint read(int fd, byte[] buffer, nint count);

    [DllImport("libc", SetLastError = true)]
    private static extern int inotify_init1(int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int inotify_add_watch(int fd, string path, uint mask);
#pragma warning restore SYSLIB1054, CA5392, CA2101
}
