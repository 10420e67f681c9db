namespace Pico.Gateway.Management.Tests.Logs;

public sealed class GatewayLogBufferTests
{
    [Fact]
    public void Before_anything_ran_the_run_id_is_zero_and_nothing_is_buffered()
    {
        var buffer = new GatewayLogBuffer(3);

        var page = buffer.Read(0, -1);

        Assert.Empty(page.Lines);
        Assert.Equal((0L, 0L), (page.Total, page.RunId));
    }

    [Fact]
    public void Each_run_starts_empty_with_the_next_run_id()
    {
        ILogSink buffer = new GatewayLogBuffer(3);
        buffer.OnProcessStarting();
        Write(buffer, "a", "b");

        buffer.OnProcessStarting();
        Write(buffer, "c");

        var page = ((GatewayLogBuffer)buffer).Read(0, 2);
        Assert.Equal(["c"], Texts(page));
        Assert.Equal((1L, 2L), (page.Total, page.RunId));
    }

    [Fact]
    public void Eviction_keeps_the_newest_lines_and_the_total_counts_all_of_them()
    {
        var buffer = new GatewayLogBuffer(3);
        buffer.Clear();
        Write(buffer, "1", "2", "3", "4", "5");

        var page = buffer.Read(0, buffer.RunId);

        Assert.Equal(["3", "4", "5"], Texts(page));
        Assert.Equal(5, page.Total);
    }

    [Fact]
    public void An_offset_returns_only_the_lines_after_it()
    {
        var buffer = new GatewayLogBuffer(10);
        var run = buffer.Clear();
        Write(buffer, "1", "2", "3", "4");

        Assert.Equal(["3", "4"], Texts(buffer.Read(2, run)));
    }

    [Fact]
    public void An_offset_older_than_the_buffer_returns_everything_still_buffered()
    {
        var buffer = new GatewayLogBuffer(2);
        var run = buffer.Clear();
        Write(buffer, "1", "2", "3", "4", "5");

        Assert.Equal(["4", "5"], Texts(buffer.Read(1, run)));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(1000)]
    public void An_offset_at_or_past_the_total_returns_nothing(long offset)
    {
        var buffer = new GatewayLogBuffer(10);
        var run = buffer.Clear();
        Write(buffer, "1", "2", "3");

        var page = buffer.Read(offset, run);

        Assert.Empty(page.Lines);
        Assert.Equal(3, page.Total);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(7)]
    public void An_unknown_run_id_reads_from_the_start_of_the_current_run(long runId)
    {
        var buffer = new GatewayLogBuffer(10);
        buffer.Clear();
        Write(buffer, "old");
        var run = buffer.Clear();
        Write(buffer, "1", "2");

        var page = buffer.Read(2, runId == 7 ? 7 : runId);

        Assert.Equal(["1", "2"], Texts(page));
        Assert.Equal(run, page.RunId);
    }

    [Fact]
    public void A_negative_offset_counts_as_zero()
    {
        var buffer = new GatewayLogBuffer(10);
        var run = buffer.Clear();
        Write(buffer, "1");

        Assert.Equal(["1"], Texts(buffer.Read(-5, run)));
    }

    [Fact]
    public void Clear_empties_the_buffer_and_returns_the_new_run_id()
    {
        var buffer = new GatewayLogBuffer(10);
        buffer.Clear();
        Write(buffer, "1", "2");

        var run = buffer.Clear();

        Assert.Equal(2, run);
        Assert.Equal(0, buffer.Total);
        Assert.Empty(buffer.Read(0, run).Lines);
    }

    [Fact]
    public void Capacity_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GatewayLogBuffer(0));
    }

    [Fact]
    public async Task Concurrent_writers_never_lose_a_line_from_the_total()
    {
        var buffer = new GatewayLogBuffer(50);
        buffer.Clear();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                buffer.Write(new GatewayLogLine(i, default, GatewayLogStream.StandardOutput, "x"));
            }
        }))).WaitAsync(TestTimeouts.Wait);

        Assert.Equal(40_000, buffer.Total);
        Assert.Equal(50, buffer.Read(0, buffer.RunId).Lines.Count);
    }

    private static void Write(ILogSink sink, params string[] texts)
    {
        foreach (var text in texts)
        {
            sink.Write(new GatewayLogLine(0, default, GatewayLogStream.StandardOutput, text));
        }
    }

    private static string[] Texts(GatewayLogPage page) => [.. page.Lines.Select(line => line.Text)];
}
