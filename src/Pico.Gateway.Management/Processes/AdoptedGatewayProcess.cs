namespace Pico.Gateway.Management.Processes;

/// <summary>
/// A gateway spawned by an earlier host and found again through the pid file. It is not our child, so its exit is told by
/// <see cref="ProcessExitWatch"/>. Its output is captured only when it was spawned onto spool files (<see cref="SpoolCapture"/>): from where the host
/// that died stopped reading. Spawned onto pipes, its output went to the host that died: there is nothing to capture.
/// </summary>
internal sealed class AdoptedGatewayProcess : IGatewayProcess
{
    private readonly TaskCompletionSource<GatewayProcessExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _startTime;
    private readonly SpoolCapture? _spool;

    public AdoptedGatewayProcess(int pid, long startTime, TimeProvider time, SpoolCapture? spool = null)
    {
        Id = pid;
        _startTime = startTime;
        _spool = spool;
        ProcessExitWatch.Start(pid, startTime, time, $"gateway {pid} exit (adopted)", Finish);
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

    private void Finish()
    {
        // Its process group may outlive it; the leader is gone, so only a group that still has members can carry its id.
        _ = LibC.kill(-Id, LibC.SIGKILL);
        _spool?.Finish();
        _exited.TrySetResult(GatewayProcessExit.Unknown);
    }
}
