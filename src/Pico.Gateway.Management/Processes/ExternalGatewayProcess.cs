namespace Pico.Gateway.Management.Processes;

/// <summary>
/// A gateway started outside this host, found by an <see cref="IGatewayLocator"/>. It is not our child: its exit is told by
/// <see cref="ProcessExitWatch"/>, and its exit code and signal are never known. Its output went wherever its starter sent it, so
/// nothing is captured. Only the process itself is signalled (never a group: it need not lead one), and only when the manager
/// allows control of an external gateway; its exit kills nothing else.
/// </summary>
internal sealed class ExternalGatewayProcess : IGatewayProcess
{
    private readonly TaskCompletionSource<GatewayProcessExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _startTime;

    private ExternalGatewayProcess(int pid, long startTime, TimeProvider time)
    {
        Id = pid;
        _startTime = startTime;
        ProcessExitWatch.Start(pid, startTime, time, $"gateway {pid} exit (external)", () => _exited.TrySetResult(GatewayProcessExit.Unknown));
    }

    public int Id { get; }

    public Task<GatewayProcessExit> Exited => _exited.Task;

    public Task OutputClosed => Task.CompletedTask;

    public Task OutputCompleted => Task.CompletedTask;

    /// <summary>Follows <paramref name="pid"/>, or returns null when no such process lives (it exited since the locator saw it).</summary>
    public static ExternalGatewayProcess? TryAttach(int pid, TimeProvider time) =>
        ProcessIdentity.TryGetStartTime(pid, out var startTime) ? new ExternalGatewayProcess(pid, startTime, time) : null;

    public void SignalTerminate() => Signal(LibC.SIGTERM);

    public void Kill() => Signal(LibC.SIGKILL);

    public void Dispose()
    {
    }

    private void Signal(int signal)
    {
        // Checked right before each signal: a pid recycled since the locator found it is never signalled.
        if (!_exited.Task.IsCompleted && ProcessIdentity.IsSameProcess(Id, _startTime))
        {
            _ = LibC.kill(Id, signal);
        }
    }
}
