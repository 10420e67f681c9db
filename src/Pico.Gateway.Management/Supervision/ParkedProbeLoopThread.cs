namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// A probe loop thread (<see cref="ProbeLoopThread"/>) kept between loops: each starting run hands its startup probes to it with
/// one wake-up, where a thread of its own would cost its creation (about 100 µs, on the path of the start that asked for it).
/// It runs one loop at a time and sleeps between loops in a wait that costs nothing. A loop handed over while the one before still
/// runs (a probe that has not yet seen its run's cancellation) gets a thread of its own rather than wait for it.
/// </summary>
internal sealed class ParkedProbeLoopThread(string name) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _handedOver = new(0);
    private Thread? _thread;
    private HandedLoop? _next;
    private bool _busy;
    private bool _disposed;

    /// <summary>Runs the loop <see cref="ProbeLoopThread.Run"/> describes on the kept thread, or on a new one while that is busy.</summary>
    public Task Run(Func<CancellationToken, Task<bool>> step, Func<TimeSpan> interval, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_busy || _disposed)
            {
                return ProbeLoopThread.Run(name, step, interval, cancellationToken);
            }

            _busy = true;
            _next = new HandedLoop(done, step, interval, cancellationToken);
            if (_thread is null)
            {
                _thread = new Thread(Park, ProbeLoopThread.StackBytes) { IsBackground = true, Name = name };
                _thread.UnsafeStart();
            }
        }

        _handedOver.Release();
        return done.Task;
    }

    /// <summary>Ends the kept thread once it has finished the loop it runs, if any.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        _handedOver.Release();
    }

    private void Park()
    {
        while (true)
        {
            _handedOver.Wait();
            HandedLoop loop;
            lock (_gate)
            {
                if (_next is not { } next)
                {
                    return; // disposed
                }

                (loop, _next) = (next, null);
            }

            var failure = ProbeLoopThread.RunLoop(loop.Step, loop.Interval, loop.Token);

            // Free before the loop is reported over: whoever awaited it and hands the next loop over at once finds this thread.
            lock (_gate)
            {
                _busy = false;
            }

            ProbeLoopThread.Complete(loop.Done, failure);
        }
    }

    private readonly record struct HandedLoop(TaskCompletionSource Done, Func<CancellationToken, Task<bool>> Step, Func<TimeSpan> Interval, CancellationToken Token);
}
