using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Tests.Processes;

/// <summary>When an output reader pauses to let a flood of small writes pile up, decided from plain timestamps (1 per microsecond).</summary>
public sealed class ReadCoalescingTests
{
    private const int Capacity = 64 * 1024;
    private const long PerMicrosecond = 1;

    private static readonly long FloodGap = (long)ReadCoalescing.FloodGap.TotalMicroseconds;

    private readonly ReadCoalescing _coalescing = new(timestampsPerSecond: 1_000_000 * PerMicrosecond);

    [Fact]
    public void The_first_read_does_not_pause_even_at_time_zero()
    {
        Assert.False(_coalescing.PauseAfterRead(0, 12, Capacity));
    }

    [Fact]
    public void A_lone_line_after_quiet_does_not_pause()
    {
        _ = _coalescing.PauseAfterRead(1_000, 12, Capacity);

        Assert.False(_coalescing.PauseAfterRead(1_000 + FloodGap + 1, 12, Capacity));
    }

    [Fact]
    public void Two_small_reads_back_to_back_pause_before_the_next_read()
    {
        _ = _coalescing.PauseAfterRead(1_000, 12, Capacity);

        Assert.True(_coalescing.PauseAfterRead(1_000 + FloodGap, 12, Capacity));
    }

    [Fact]
    public void A_full_read_never_pauses_the_reader_is_behind()
    {
        _ = _coalescing.PauseAfterRead(1_000, 12, Capacity);

        Assert.False(_coalescing.PauseAfterRead(1_001, Capacity, Capacity));
        Assert.False(_coalescing.PauseAfterRead(1_002, Capacity, Capacity));
    }

    [Fact]
    public void A_small_read_right_after_a_full_one_pauses()
    {
        _ = _coalescing.PauseAfterRead(1_000, Capacity, Capacity);

        Assert.True(_coalescing.PauseAfterRead(1_010, 500, Capacity));
    }

    [Fact]
    public void Data_after_a_pause_keeps_pausing_however_late_the_pause_ended()
    {
        _ = _coalescing.PauseAfterRead(1_000, 12, Capacity);
        Assert.True(_coalescing.PauseAfterRead(1_010, 12, Capacity));

        // A loaded machine woke the reader late: the read still found data, so the flood goes on.
        Assert.True(_coalescing.PauseAfterRead(1_010 + (10 * FloodGap), 3_000, Capacity));
        Assert.True(_coalescing.PauseAfterRead(1_010 + (20 * FloodGap), 3_000, Capacity));
    }

    [Fact]
    public void A_full_read_after_a_pause_ends_the_pauses_until_reads_are_back_to_back_again()
    {
        _ = _coalescing.PauseAfterRead(1_000, 12, Capacity);
        Assert.True(_coalescing.PauseAfterRead(1_010, 12, Capacity));

        Assert.False(_coalescing.PauseAfterRead(5_000, Capacity, Capacity));
        Assert.False(_coalescing.PauseAfterRead(5_000 + FloodGap + 1, 12, Capacity));
    }

    [Fact]
    public void An_empty_pipe_ends_the_flood_and_the_next_line_after_quiet_is_read_without_a_pause()
    {
        _ = _coalescing.PauseAfterRead(1_000, 12, Capacity);
        Assert.True(_coalescing.PauseAfterRead(1_010, 12, Capacity));

        _coalescing.Drained();

        Assert.False(_coalescing.PauseAfterRead(1_010 + FloodGap + 1, 12, Capacity));
    }

    [Fact]
    public void The_unit_of_the_timestamps_is_the_callers()
    {
        var nanoseconds = new ReadCoalescing(timestampsPerSecond: 1_000_000_000);
        var gap = (long)(ReadCoalescing.FloodGap.TotalMicroseconds * 1_000);
        _ = nanoseconds.PauseAfterRead(0, 12, Capacity);
        _ = nanoseconds.PauseAfterRead(gap + 1, 12, Capacity);

        Assert.True(nanoseconds.PauseAfterRead((2 * gap) + 1, 12, Capacity));
        nanoseconds.Drained();
        Assert.False(nanoseconds.PauseAfterRead((4 * gap) + 3, 12, Capacity));
        Assert.True(nanoseconds.PauseAfterRead((5 * gap) + 3, 12, Capacity));
    }

    [Fact]
    public void The_added_latency_is_bounded_well_below_a_millisecond()
    {
        // The documented bound (README "Logs and sinks"): the pause plus the kernel's default timer slack of 50 µs.
        Assert.True(ReadCoalescing.Pause + TimeSpan.FromMicroseconds(50) <= TimeSpan.FromMicroseconds(150));
        Assert.True(ReadCoalescing.FloodGap > ReadCoalescing.Pause);
    }

    [Fact]
    public void A_pause_that_let_an_intense_flood_pile_up_makes_the_next_pause_a_yielding_one_and_a_slower_flood_sleeps_again()
    {
        // 1 byte per microsecond is 1,000,000 bytes a second: the intense rate is that many bytes per microsecond.
        var intense = ReadCoalescing.IntenseBytesPerSecond / 1_000_000;
        _ = _coalescing.PauseAfterRead(1_000, 12, Capacity);
        Assert.True(_coalescing.PauseAfterRead(1_010, 12, Capacity));
        Assert.False(_coalescing.Intense); // two lines back to back: a flood, not yet an intense one

        Assert.True(_coalescing.PauseAfterRead(1_110, (int)(100 * intense), Capacity));
        Assert.True(_coalescing.Intense);
        Assert.True(_coalescing.PauseAfterRead(1_210, (int)(100 * intense), Capacity));
        Assert.True(_coalescing.Intense);

        Assert.True(_coalescing.PauseAfterRead(1_310, (int)(100 * intense) - 1, Capacity));
        Assert.False(_coalescing.Intense);
    }

    [Fact]
    public void An_intense_flood_that_drains_or_fills_the_buffer_asks_for_no_yielding_pause()
    {
        var intense = ReadCoalescing.IntenseBytesPerSecond / 1_000_000;
        _ = _coalescing.PauseAfterRead(1_000, 12, Capacity);
        _ = _coalescing.PauseAfterRead(1_010, 12, Capacity);
        _ = _coalescing.PauseAfterRead(1_110, (int)(100 * intense), Capacity);

        _coalescing.Drained();
        Assert.False(_coalescing.Intense);

        _ = _coalescing.PauseAfterRead(2_000, 12, Capacity);
        _ = _coalescing.PauseAfterRead(2_010, 12, Capacity);
        _ = _coalescing.PauseAfterRead(2_110, (int)(100 * intense), Capacity);
        Assert.False(_coalescing.PauseAfterRead(2_120, Capacity, Capacity));
        Assert.False(_coalescing.Intense);
    }

    [Fact]
    public void A_flood_yields_for_at_most_the_limit_then_sleeps_its_pauses_until_it_drains()
    {
        var intense = (int)(100 * (ReadCoalescing.IntenseBytesPerSecond / 1_000_000));
        var limit = (long)ReadCoalescing.IntenseLimit.TotalMicroseconds;
        _ = _coalescing.PauseAfterRead(1_000, 12, Capacity);
        _ = _coalescing.PauseAfterRead(1_010, 12, Capacity);
        Assert.True(_coalescing.PauseAfterRead(1_110, intense, Capacity));
        Assert.True(_coalescing.Intense); // the first intense pause, at 1,110 µs

        var now = 1_110L;
        while (now + 100 <= 1_110 + limit)
        {
            now += 100;
            Assert.True(_coalescing.PauseAfterRead(now, intense, Capacity));
            Assert.True(_coalescing.Intense);
        }

        Assert.True(_coalescing.PauseAfterRead(now + 100, intense, Capacity));
        Assert.False(_coalescing.Intense); // past the limit: still a flood, its pauses asleep

        // The pipe found empty ends the flood; the next one has a budget of its own.
        _coalescing.Drained();
        _ = _coalescing.PauseAfterRead(now + 10_000, 12, Capacity);
        _ = _coalescing.PauseAfterRead(now + 10_010, 12, Capacity);
        Assert.True(_coalescing.PauseAfterRead(now + 10_110, intense, Capacity));
        Assert.True(_coalescing.Intense);
    }
}
