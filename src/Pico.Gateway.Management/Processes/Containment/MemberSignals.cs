using System.Runtime.InteropServices;

namespace Pico.Gateway.Management.Processes.Containment;

/// <summary>
/// Signals processes found by a scan of /proc without ever hitting a stranger: a pid read in the scan may have been recycled by
/// the time it is signalled, so each one is pinned with a pidfd first and checked for membership after; the signal goes through
/// the pidfd. The same pidfds then tell, without polling, when the killed processes are gone.
/// </summary>
internal sealed unsafe class MemberSignals : IDisposable
{
    private readonly List<int> _pidfds = [];

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/> if it is, at that moment, a member; returns whether it was sent.</summary>
    public bool Send(int pid, int signal, Func<int, bool> isMember)
    {
        var pidfd = OpenPidfd(pid);
        if (pidfd == -2)
        {
            // No pidfd (Linux before 5.3): the start time read before and after the check stands in for it.
            if (!ProcStat.TryRead(pid, out var before) || !isMember(pid) || !ProcStat.TryRead(pid, out var after) || before.StartTime != after.StartTime)
            {
                return false;
            }

            return LibC.kill(pid, signal) == 0;
        }

        if (pidfd < 0)
        {
            return false;
        }

        if (!isMember(pid) || LibC.pidfd_send_signal(pidfd, signal, null, 0) != 0)
        {
            _ = LibC.close(pidfd);
            return false;
        }

        _pidfds.Add(pidfd);
        return true;
    }

    /// <summary>Waits until every signalled process has exited (is a zombie or reaped), or the deadline passes; returns whether all did.</summary>
    public bool WaitForExits(long deadlineTicks)
    {
        if (_pidfds.Count == 0)
        {
            return true;
        }

        var entries = new LibC.PollFd[_pidfds.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = new LibC.PollFd { Fd = _pidfds[i], Events = LibC.POLLIN };
        }

        var remaining = entries.Length;
        fixed (LibC.PollFd* first = entries)
        {
            while (remaining > 0)
            {
                var timeout = (int)Math.Clamp(deadlineTicks - Environment.TickCount64, 0, int.MaxValue);
                var ready = LibC.poll(first, (nuint)entries.Length, timeout);
                if (ready < 0 && Marshal.GetLastPInvokeError() == LibC.EINTR)
                {
                    continue;
                }

                if (ready <= 0)
                {
                    return false;
                }

                for (var i = 0; i < entries.Length; i++)
                {
                    if (entries[i].Fd >= 0 && entries[i].ReturnedEvents != 0)
                    {
                        // A negative descriptor is skipped by poll: the process is gone, stop watching it.
                        entries[i].Fd = -1;
                        remaining--;
                    }
                }
            }
        }

        return true;
    }

    public void Dispose()
    {
        foreach (var pidfd in _pidfds)
        {
            _ = LibC.close(pidfd);
        }

        _pidfds.Clear();
    }

    /// <returns>The pidfd; -1 when the process is gone; -2 when the kernel or libc has no pidfd.</returns>
    private static int OpenPidfd(int pid)
    {
        try
        {
            var pidfd = LibC.pidfd_open(pid, 0);
            return pidfd >= 0 ? pidfd : Marshal.GetLastPInvokeError() == LibC.ENOSYS ? -2 : -1;
        }
        catch (EntryPointNotFoundException)
        {
            return -2;
        }
    }
}
