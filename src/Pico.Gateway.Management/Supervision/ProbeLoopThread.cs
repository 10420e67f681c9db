namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// A loop of probing steps (the steady ticks, a starting run's probes) on a thread of its own, asleep in a wait on the loop's token
/// between them. A step whose work completes synchronously (the usual one: nothing to take over, conditions that answer from
/// memory, a probe on a loopback connection, <see cref="Health.HttpHealthProbe"/>) then costs one thread wake-up: no timer is
/// armed, no pool worker is woken (each would spin before sleeping again under the runtime's default thread-pool settings), no
/// sockets' event thread is involved. A step that does await (a user's condition or probe, a busy probe gate) is waited for,
/// blocking only this thread.
/// </summary>
/// <remarks>
/// The wait is also the only precise one: the runtime's timers (<see cref="Task.Delay(TimeSpan, TimeProvider)"/>,
/// <see cref="ITimer"/>) fire on <see cref="Environment.TickCount64"/>, which on Linux reads the coarse monotonic clock and so
/// moves in whole jiffies (4 ms at HZ=250): a 1 ms delay took 1.2-5.6 ms, median 4.3, on the benchmark machine. A wait on a
/// handle is a futex wait with the exact timeout (1.07 ms there), which is what a dense startup probe schedule needs.
/// </remarks>
internal static class ProbeLoopThread
{
    /// <summary>The stack of every probe loop's thread: a step is shallow, and a blocking probe reads into a small buffer.</summary>
    public const int StackBytes = 256 * 1024;

    /// <summary>
    /// Starts a thread that runs <paramref name="step"/> at once and then after each <paramref name="interval"/> until a step
    /// returns false or <paramref name="cancellationToken"/> is cancelled; the task then ends, or faults with what a step threw.
    /// </summary>
    public static Task Run(string name, Func<CancellationToken, Task<bool>> step, Func<TimeSpan> interval, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => Complete(done, RunLoop(step, interval, cancellationToken)), StackBytes)
        {
            IsBackground = true,
            Name = name,
        };
        thread.UnsafeStart();
        return done.Task;
    }

    /// <summary>Runs the loop <see cref="Run"/> describes on the calling thread: null when it ended, or what a step threw.</summary>
    public static Exception? RunLoop(Func<CancellationToken, Task<bool>> step, Func<TimeSpan> interval, CancellationToken cancellationToken)
    {
        try
        {
            Loop(step, interval, cancellationToken);
            return null;
        }
#pragma warning disable CA1031 // Whatever a step throws belongs to the task the caller awaits, as with the timer-driven loop.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return ex;
        }
    }

    /// <summary>Completes <paramref name="done"/> as a loop that ended, or that failed with <paramref name="failure"/>.</summary>
    public static void Complete(TaskCompletionSource done, Exception? failure)
    {
        if (failure is null)
        {
            done.TrySetResult();
        }
        else
        {
            done.TrySetException(failure);
        }
    }

    private static void Loop(Func<CancellationToken, Task<bool>> step, Func<TimeSpan> interval, CancellationToken cancellationToken)
    {
        var wake = cancellationToken.WaitHandle;
        try
        {
            while (step(cancellationToken).GetAwaiter().GetResult())
            {
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
