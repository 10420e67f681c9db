using Pico.Gateway.Management.Supervision;

namespace Pico.Gateway.Management.Tests.Supervision;

/// <summary>
/// A probe loop on the system clock (the steady ticks, a starting run's probes): one thread of the manager's own (never the pool's)
/// runs every step, sleeps in between, waits for a step that awaits, ends when a step says so or the lifetime is cancelled, and
/// fails with what a step threw. Waits are on signals the steps give, with a guard; the interval is a millisecond so nothing waits
/// for wall-clock time.
/// </summary>
public sealed class ProbeLoopThreadTests
{
    private static readonly Func<TimeSpan> Quick = () => TimeSpan.FromMilliseconds(1);

    [Fact]
    public async Task Every_tick_runs_on_the_same_named_thread_that_is_not_the_pool_s()
    {
        using var lifetime = new CancellationTokenSource();
        var threads = new List<(int Id, string? Name, bool Pool)>();
        var three = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var ticks = ProbeLoopThread.Run(
            "gateway ticks",
            _ =>
            {
                lock (threads)
                {
                    threads.Add((Environment.CurrentManagedThreadId, Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread));
                    if (threads.Count == 3)
                    {
                        three.TrySetResult();
                    }
                }

                return Task.FromResult(true);
            },
            Quick,
            lifetime.Token);
        await three.Task.WaitAsync(TestTimeouts.Wait);
        await lifetime.CancelAsync();
        await ticks.WaitAsync(TestTimeouts.Wait);

        lock (threads)
        {
            Assert.Single(threads.Distinct());
            Assert.Equal(("gateway ticks", false), (threads[0].Name, threads[0].Pool));
        }
    }

    [Fact]
    public async Task A_tick_that_awaits_is_waited_for_before_the_next_and_cancellation_ends_the_loop_without_an_error()
    {
        using var lifetime = new CancellationTokenSource();
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondStarted = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var count = 0;

        var ticks = ProbeLoopThread.Run(
            "gateway ticks",
            _ =>
            {
                if (Interlocked.Increment(ref count) == 1)
                {
                    firstStarted.TrySetResult();
                    return first.Task.ContinueWith(_ => true, TaskScheduler.Default);
                }

                // Whether the first tick had finished when the second began: it must have.
                secondStarted.TrySetResult(first.Task.IsCompleted);
                return Task.FromResult(true);
            },
            Quick,
            lifetime.Token);
        await firstStarted.Task.WaitAsync(TestTimeouts.Wait);
        first.SetResult();
        var firstHadFinished = await secondStarted.Task.WaitAsync(TestTimeouts.Wait);
        await lifetime.CancelAsync();
        await ticks.WaitAsync(TestTimeouts.Wait);

        Assert.True(firstHadFinished, "the second tick began while the first was still awaiting");
        Assert.True(ticks.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_tick_that_throws_faults_the_loop_with_its_exception()
    {
        using var lifetime = new CancellationTokenSource();

        var ticks = ProbeLoopThread.Run("gateway ticks", _ => throw new InvalidOperationException("broken tick"), Quick, lifetime.Token);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => ticks.WaitAsync(TestTimeouts.Wait));
        Assert.Equal("broken tick", failure.Message);
    }

    [Fact]
    public async Task A_cancelled_tick_during_shutdown_is_not_an_error()
    {
        using var lifetime = new CancellationTokenSource();
        var ticked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var ticks = ProbeLoopThread.Run(
            "gateway ticks",
            async token =>
            {
                ticked.TrySetResult();
                await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, token);
                return true;
            },
            () => TimeSpan.FromDays(365),
            lifetime.Token);
        await ticked.Task.WaitAsync(TestTimeouts.Wait);
        await lifetime.CancelAsync();

        await ticks.WaitAsync(TestTimeouts.Wait);
        Assert.True(ticks.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_step_that_returns_false_ends_the_loop_after_it_without_cancellation()
    {
        using var lifetime = new CancellationTokenSource();
        var steps = 0;

        var loop = ProbeLoopThread.Run("gateway startup probes", _ => Task.FromResult(Interlocked.Increment(ref steps) < 3), Quick, lifetime.Token);

        await loop.WaitAsync(TestTimeouts.Wait);
        Assert.True(loop.IsCompletedSuccessfully);
        Assert.Equal(3, Volatile.Read(ref steps));
        Assert.False(lifetime.IsCancellationRequested);
    }
}
