using System.Runtime.InteropServices;

namespace Pico.Gateway.Management.Processes;

/// <summary>
/// Lets the pipe readers of one process be told to stop: a read blocked on a pipe that an escaped descendant holds open would never
/// return, and closing the descriptor from another thread does not wake it. Each reader waits in poll on its pipe and on a wake pipe
/// of its own; one byte written to the wake pipe stays there, so every reader sees it. The wake pipe is closed by the last reader.
/// </summary>
internal sealed class ReadCancellation
{
    private readonly Lock _gate = new();
    private readonly int _wakeRead = -1;
    private readonly int _wakeWrite = -1;
    private int _readers;
    private bool _cancelled;

    public unsafe ReadCancellation(int readers)
    {
        _readers = readers;
        var fds = stackalloc int[2];
        var created = OperatingSystem.IsLinux() ? LibC.pipe2(fds, LibC.O_CLOEXEC) : LibC.pipe(fds);
        if (created == 0)
        {
            _wakeRead = fds[0];
            _wakeWrite = fds[1];
        }

        // Without a wake pipe (descriptors exhausted) the readers block in read as before: only cancellation is lost.
    }

    /// <summary>Blocks until <paramref name="fd"/> is readable (data, or end of file) and returns true, or returns false once cancelled.</summary>
    public unsafe bool WaitReadable(int fd)
    {
        var entries = stackalloc LibC.PollFd[2];
        entries[0] = new LibC.PollFd { Fd = fd, Events = LibC.POLLIN };
        entries[1] = new LibC.PollFd { Fd = _wakeRead, Events = LibC.POLLIN };
        while (true)
        {
            var ready = LibC.poll(entries, 2, -1);
            if (ready < 0 && Marshal.GetLastPInvokeError() == LibC.EINTR)
            {
                continue;
            }

            return ready <= 0 || entries[1].ReturnedEvents == 0;
        }
    }

    public unsafe void Cancel()
    {
        lock (_gate)
        {
            if (_cancelled || _readers == 0 || _wakeWrite < 0)
            {
                return;
            }

            _cancelled = true;
            byte wake = 1;
            _ = LibC.write(_wakeWrite, &wake, 1);
        }
    }

    /// <summary>Cancels once <paramref name="grace"/> has passed, unless <paramref name="closed"/> (both pipes at end of file) completes first.</summary>
    public async Task CancelUnlessClosedAsync(Task closed, TimeSpan grace)
    {
        try
        {
            await closed.WaitAsync(grace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Cancel();
        }
    }

    public void ReaderDone()
    {
        lock (_gate)
        {
            if (--_readers == 0 && _wakeRead >= 0)
            {
                _ = LibC.close(_wakeRead);
                _ = LibC.close(_wakeWrite);
            }
        }
    }
}
