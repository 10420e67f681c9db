using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Tests.Processes;

/// <summary>An intense flood's yielding pause: it ends after its time, and at once for a cancelled reader however long it is.</summary>
public sealed class ReadCancellationTests
{
    [Fact]
    public void A_yielding_pause_returns_true_once_its_time_is_over()
    {
        var cancellation = new ReadCancellation(readers: 1);
        try
        {
            Assert.True(cancellation.YieldPause(TimeSpan.FromMicroseconds(1)));
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
}
