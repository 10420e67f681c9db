using System.Diagnostics;
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

    /// <summary>
    /// Sleeps for <paramref name="pause"/> (Linux: ppoll) and returns true, or returns false at once, or as soon as it happens, once
    /// cancelled: a cancelled reader drains its pipe and stops, it does not keep giving a writer time to refill it. The sleep also
    /// ends when <paramref name="fd"/>'s last writer has closed it (the gateway exited), so a pause never delays the exit's
    /// publication; data arriving on it does not end the sleep, which is the point of it.
    /// </summary>
    public unsafe bool Pause(TimeSpan pause, int fd)
    {
        var entries = stackalloc LibC.PollFd[2];
        entries[0] = new LibC.PollFd { Fd = _wakeRead, Events = LibC.POLLIN };

        // No events asked for: poll still reports a hang-up (POLLHUP always is), and a write does not wake the sleeper.
        entries[1] = new LibC.PollFd { Fd = fd, Events = 0 };
        var timeout = new LibC.Timespec { Seconds = 0, Nanoseconds = (nint)(pause.Ticks * 100) };

        // Without a wake pipe (fd -1) that entry is ignored; an interrupted sleep is only a shorter pause.
        return LibC.ppoll(entries, 2, &timeout, null) <= 0 || entries[0].ReturnedEvents == 0;
    }

    /// <summary>
    /// Stays on the CPU for <paramref name="pause"/>, yielding it to any other thread that can run there, and returns true; returns
    /// false as soon as it is cancelled. An intense flood's pause (<see cref="ReadCoalescing.Intense"/>): unlike <see cref="Pause"/>
    /// it does not end at a hang-up, which it sees at most a pause later.
    /// </summary>
    public bool YieldPause(TimeSpan pause)
    {
        var until = Stopwatch.GetTimestamp() + (long)(pause.TotalSeconds * Stopwatch.Frequency);
        while (!Volatile.Read(ref _cancelled))
        {
            if (Stopwatch.GetTimestamp() >= until)
            {
                return true;
            }

            _ = Thread.Yield();
        }

        return false;
    }

    /// <summary>Whether <paramref name="fd"/> can be read without blocking (data, or end of file), asked without waiting.</summary>
    public static unsafe bool IsReadableNow(int fd)
    {
        var entry = new LibC.PollFd { Fd = fd, Events = LibC.POLLIN };
        return LibC.poll(&entry, 1, 0) > 0;
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
