using System.Runtime.InteropServices;

namespace Pico.Gateway.Management.Processes;

/// <summary>
/// Tells when a process that is not our child exits, since waitpid cannot: a pidfd (Linux 5.3+) becomes readable then; where there
/// is none, a liveness check of pid and start time runs every half second.
/// </summary>
internal static class ProcessExitWatch
{
    private static readonly TimeSpan LivenessInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Calls <paramref name="exited"/> once, on another thread, when the process <paramref name="pid"/> started at <paramref name="startTime"/> is gone.</summary>
    public static void Start(int pid, long startTime, TimeProvider time, string threadName, Action exited)
    {
        var pidfd = -1;
        try
        {
            pidfd = LibC.pidfd_open(pid, 0);
        }
        catch (EntryPointNotFoundException)
        {
        }

        if (pidfd >= 0)
        {
            var thread = new Thread(() => WaitForExit(pidfd, exited), 128 * 1024) { IsBackground = true, Name = threadName };
            thread.UnsafeStart();
        }
        else
        {
            _ = CheckLivenessAsync(pid, startTime, time, exited);
        }
    }

    private static unsafe void WaitForExit(int pidfd, Action exited)
    {
        var entry = new LibC.PollFd { Fd = pidfd, Events = LibC.POLLIN };
        while (LibC.poll(&entry, 1, -1) < 0 && Marshal.GetLastPInvokeError() == LibC.EINTR)
        {
        }

        _ = LibC.close(pidfd);
        exited();
    }

    private static async Task CheckLivenessAsync(int pid, long startTime, TimeProvider time, Action exited)
    {
        while (ProcessIdentity.IsSameProcess(pid, startTime))
        {
            await Task.Delay(LivenessInterval, time).ConfigureAwait(false);
        }

        exited();
    }
}
