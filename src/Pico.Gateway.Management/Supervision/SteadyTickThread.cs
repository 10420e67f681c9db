namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// The steady ticks on a thread of their own, sleeping in a wait on the lifetime token between them. A tick whose work completes
/// synchronously (the usual one: nothing to take over, conditions that answer from memory, a probe on a kept loopback
/// connection, <see cref="Health.HttpHealthProbe"/>) then costs one thread wake-up: no timer is armed, no pool worker is woken
/// (each would spin before sleeping again under the runtime's default thread-pool settings), no sockets' event thread is
/// involved. A tick that does await (a user's condition, a busy probe gate) is waited for, blocking only this thread.
/// </summary>
internal static class SteadyTickThread
{
    private const int StackBytes = 256 * 1024;

    /// <summary>Starts the thread; the task ends when <paramref name="cancellationToken"/> is cancelled, or faults with what a tick threw.</summary>
    public static Task Run(Func<CancellationToken, Task> tick, Func<TimeSpan> interval, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(
            () =>
            {
                try
                {
                    Loop(tick, interval, cancellationToken);
                    done.TrySetResult();
                }
#pragma warning disable CA1031 // Whatever a tick throws belongs to the task the manager awaits, as with the timer-driven loop.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    done.TrySetException(ex);
                }
            },
            StackBytes)
        {
            IsBackground = true,
            Name = "gateway ticks",
        };
        thread.UnsafeStart();
        return done.Task;
    }

    private static void Loop(Func<CancellationToken, Task> tick, Func<TimeSpan> interval, CancellationToken cancellationToken)
    {
        var wake = cancellationToken.WaitHandle;
        try
        {
            while (true)
            {
                tick(cancellationToken).GetAwaiter().GetResult();
                if (Sleep(wake, interval()))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    // True when cancelled. A wait takes at most int.MaxValue ms (24.8 days), so a longer interval is slept in parts.
    private static bool Sleep(WaitHandle wake, TimeSpan interval)
    {
        var remaining = interval;
        while (remaining > TimeSpan.Zero)
        {
            var part = remaining.TotalMilliseconds >= int.MaxValue ? TimeSpan.FromMilliseconds(int.MaxValue - 1) : remaining;
            if (wake.WaitOne(part))
            {
                return true;
            }

            remaining -= part;
        }

        return false;
    }
}
