using System.Diagnostics;
using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Tests.Processes;

/// <summary>An intense flood's yielding pause: it ends after its time, and at once for a reader cancelled before or during it, however long it is.</summary>
public sealed class ReadCancellationTests
{
    [Fact]
    public async Task A_yielding_pause_returns_true_once_its_time_is_over_and_not_before()
    {
        var cancellation = new ReadCancellation(readers: 1);
        try
        {
            var pause = TimeSpan.FromMilliseconds(1);
            var began = Stopwatch.GetTimestamp();

            Assert.True(await Task.Run(() => cancellation.YieldPause(pause)).WaitAsync(TestTimeouts.Wait));
            Assert.True(Stopwatch.GetElapsedTime(began) >= pause, "the pause ended before its time");
        }
        finally
        {
            cancellation.ReaderDone();
        }
    }

    [Fact]
    public async Task A_yielding_pause_of_a_cancelled_reader_returns_false_at_once()
    {
        var cancellation = new ReadCancellation(readers: 1);
        try
        {
            cancellation.Cancel();

            // A day long: only the cancellation can end it within the guard.
            Assert.False(await Task.Run(() => cancellation.YieldPause(TimeSpan.FromDays(1))).WaitAsync(TestTimeouts.Wait));
        }
        finally
        {
            cancellation.ReaderDone();
        }
    }

    [Fact]
    public async Task A_yielding_pause_ends_when_the_reader_is_cancelled_during_it()
    {
        var cancellation = new ReadCancellation(readers: 1);
        try
        {
            var pausing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var paused = Task.Run(() =>
            {
                pausing.SetResult();
                return cancellation.YieldPause(TimeSpan.FromDays(1));
            });
            await pausing.Task.WaitAsync(TestTimeouts.Wait);

            cancellation.Cancel();

            Assert.False(await paused.WaitAsync(TestTimeouts.Wait));
        }
        finally
        {
            cancellation.ReaderDone();
        }
    }
}
