using Pico.Gateway.Management.Supervision;

namespace Pico.Gateway.Management.Tests.Supervision;

/// <summary>
/// The thread kept for startup probe loops: one loop after another runs on the same named thread (not the pool's); a loop handed
/// over while another runs gets a thread of its own; a loop that throws faults only its own task; disposal ends the kept thread.
/// Every wait is on a signal a step gives, with a guard.
/// </summary>
public sealed class ParkedProbeLoopThreadTests
{
    private static readonly Func<TimeSpan> Quick = () => TimeSpan.FromMilliseconds(1);

    [Fact]
    public async Task Loops_one_after_another_run_on_the_same_kept_thread_which_disposal_ends()
    {
        var kept = new ParkedProbeLoopThread("gateway startup probes");
        var threads = new List<(Thread Thread, bool Pool)>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                await kept.Run(_ => Once(() => threads.Add((Thread.CurrentThread, Thread.CurrentThread.IsThreadPoolThread))), Quick, CancellationToken.None).WaitAsync(TestTimeouts.Wait);
            }
        }
        finally
        {
            kept.Dispose();
        }

        Assert.Equal(3, threads.Count);
        var (thread, pool) = Assert.Single(threads.Distinct());
        Assert.Equal(("gateway startup probes", false), (thread.Name, pool));
        Assert.True(thread.Join(TestTimeouts.Wait), "the kept thread outlived its disposal");
    }

    [Fact]
    public async Task A_loop_handed_over_while_another_runs_gets_a_thread_of_its_own()
    {
        using var kept = new ParkedProbeLoopThread("gateway startup probes");
        using var firstLoop = new CancellationTokenSource();
        var firstThread = new TaskCompletionSource<Thread>(TaskCreationOptions.RunContinuationsAsynchronously);
        Thread? secondThread = null;

        var first = kept.Run(
            _ =>
            {
                firstThread.TrySetResult(Thread.CurrentThread);
                return Task.FromResult(true);
            },
            () => TimeSpan.FromDays(1),
            firstLoop.Token);
        var running = await firstThread.Task.WaitAsync(TestTimeouts.Wait);
        await kept.Run(_ => Once(() => secondThread = Thread.CurrentThread), Quick, CancellationToken.None).WaitAsync(TestTimeouts.Wait);
        await firstLoop.CancelAsync();
        await first.WaitAsync(TestTimeouts.Wait);

        Assert.NotNull(secondThread);
        Assert.NotSame(running, secondThread);
        Assert.Equal("gateway startup probes", secondThread.Name);
        Assert.True(first.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_loop_that_throws_faults_its_task_and_the_kept_thread_runs_the_next()
    {
        using var kept = new ParkedProbeLoopThread("gateway startup probes");
        Thread? brokenOn = null;
        Thread? nextOn = null;

        var broken = kept.Run(
            _ =>
            {
                brokenOn = Thread.CurrentThread;
                throw new InvalidOperationException("broken probe");
            },
            Quick,
            CancellationToken.None);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => broken.WaitAsync(TestTimeouts.Wait));
        await kept.Run(_ => Once(() => nextOn = Thread.CurrentThread), Quick, CancellationToken.None).WaitAsync(TestTimeouts.Wait);

        Assert.Equal("broken probe", failure.Message);
        Assert.NotNull(brokenOn);
        Assert.Same(brokenOn, nextOn);
    }

    // A step that records, then ends its loop.
    private static Task<bool> Once(Action record)
    {
        record();
        return Task.FromResult(false);
    }
}
