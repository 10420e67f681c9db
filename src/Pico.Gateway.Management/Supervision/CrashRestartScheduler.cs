using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// Owns the crash-restart policy's history and the one pending crash restart with its timer. Every member needs the state lock
/// (<see cref="GatewayState.Gate"/>): the timer is created under the same lock it is disposed under, so a stop that cancels the
/// restart can never miss a timer still being armed.
/// </summary>
internal sealed class CrashRestartScheduler(GatewayOptions options, TimeProvider time, Func<PendingRestart, Task> restart)
{
    private readonly CrashRestartPolicy _policy = new(options);
    private readonly Func<PendingRestart, Task> _restart = restart;
    private PendingRestart? _pending;

    /// <summary>Gets a value indicating whether a crash restart is pending. Needs the lock.</summary>
    public bool IsPending_NeedsLock => _pending is not null;

    /// <summary>Applies the restart policy to an exit nobody asked for. Needs the lock.</summary>
    public CrashDecision Decide_NeedsLock(GatewayProcessExit exit, DateTimeOffset? runningSince, DateTimeOffset now) =>
        _policy.Decide(exit, runningSince, now);

    /// <summary>Whether <see cref="Decide_NeedsLock"/> would restart at once, recording nothing. Needs the lock.</summary>
    public bool WouldRestartAtOnce_NeedsLock(GatewayProcessExit exit, DateTimeOffset? runningSince, DateTimeOffset now) =>
        _policy.WouldRestartAtOnce(exit, runningSince, now);

    /// <summary>Arms the restart the last decision asked for: at once for a zero delay, else on a timer. Needs the lock.</summary>
    public void Schedule_NeedsLock(int attempt, TimeSpan delay)
    {
        Cancel_NeedsLock();
        var pending = new PendingRestart(attempt, delay);
        _pending = pending;
        if (delay <= TimeSpan.Zero)
        {
            _ = Task.Run(() => _restart(pending));
            return;
        }

        pending.Timer = time.CreateTimer(
            static state =>
            {
                var (scheduler, pending) = ((CrashRestartScheduler, PendingRestart))state!;
                _ = scheduler._restart(pending);
            },
            (this, pending),
            delay,
            Timeout.InfiniteTimeSpan);
    }

    /// <summary>Claims <paramref name="pending"/> for running if it is still the pending restart. Needs the lock.</summary>
    public bool TryClaim_NeedsLock(PendingRestart pending)
    {
        if (!ReferenceEquals(_pending, pending))
        {
            return false;
        }

        Cancel_NeedsLock();
        return true;
    }

    /// <summary>Drops the pending restart, if any; true if there was one. Needs the lock.</summary>
    public bool Cancel_NeedsLock()
    {
        if (_pending is not { } pending)
        {
            return false;
        }

        _pending = null;
        pending.Timer?.Dispose();
        return true;
    }

    /// <summary>A start, restart or stop from the user: no pending restart, and a new crash history. Needs the lock.</summary>
    public bool CancelAndForget_NeedsLock()
    {
        _policy.Forget();
        return Cancel_NeedsLock();
    }
}
