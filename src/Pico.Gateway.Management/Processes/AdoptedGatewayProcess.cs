using System.Runtime.InteropServices;

namespace Pico.Gateway.Management.Processes;

/// <summary>
/// A gateway spawned by an earlier host and found again through the pid file. It is not our child, so waitpid cannot tell its exit:
/// a pidfd (Linux 5.3+) becomes readable when it exits; where there is none, a liveness check of pid and start time runs every
/// half second. Its output is captured only when it was spawned onto spool files (<see cref="SpoolCapture"/>): from where the host
/// that died stopped reading. Spawned onto pipes, its output went to the host that died: there is nothing to capture.
/// </summary>
internal sealed class AdoptedGatewayProcess : IGatewayProcess
{
    private static readonly TimeSpan LivenessInterval = TimeSpan.FromMilliseconds(500);
    private readonly TaskCompletionSource<GatewayProcessExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _startTime;
    private readonly TimeProvider _time;
    private readonly SpoolCapture? _spool;

    public AdoptedGatewayProcess(int pid, long startTime, TimeProvider time, SpoolCapture? spool = null)
    {
        Id = pid;
        _startTime = startTime;
        _time = time;
        _spool = spool;
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
            var thread = new Thread(() => WaitForExit(pidfd), 128 * 1024) { IsBackground = true, Name = $"gateway {pid} exit (adopted)" };
            thread.UnsafeStart();
        }
        else
        {
            _ = CheckLivenessAsync();
        }
    }

    public int Id { get; }

    public Task<GatewayProcessExit> Exited => _exited.Task;

    public Task OutputClosed => _spool?.Completed ?? Task.CompletedTask;

    public Task OutputCompleted => _spool?.Completed ?? Task.CompletedTask;

    public void SignalTerminate() => SignalGroup(LibC.SIGTERM);

    public void Kill() => SignalGroup(LibC.SIGKILL);

    public void Dispose() => _spool?.Finish();

    private void SignalGroup(int signal)
    {
        // Checked right before each signal: a pid recycled since the check in the pid file is never signalled.
        if (!_exited.Task.IsCompleted && ProcessIdentity.IsSameProcess(Id, _startTime))
        {
            _ = LibC.kill(-Id, signal);
        }
    }

    private unsafe void WaitForExit(int pidfd)
    {
        var entry = new LibC.PollFd { Fd = pidfd, Events = LibC.POLLIN };
        while (LibC.poll(&entry, 1, -1) < 0 && Marshal.GetLastPInvokeError() == LibC.EINTR)
        {
        }

        _ = LibC.close(pidfd);
        Finish();
    }

    private async Task CheckLivenessAsync()
    {
        while (ProcessIdentity.IsSameProcess(Id, _startTime))
        {
            await Task.Delay(LivenessInterval, _time).ConfigureAwait(false);
        }

        Finish();
    }

    private void Finish()
    {
        // Its process group may outlive it; the leader is gone, so only a group that still has members can carry its id.
        _ = LibC.kill(-Id, LibC.SIGKILL);
        _spool?.Finish();
        _exited.TrySetResult(GatewayProcessExit.Unknown);
    }
}
