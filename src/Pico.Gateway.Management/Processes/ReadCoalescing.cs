namespace Pico.Gateway.Management.Processes;

/// <summary>
/// Decides when an output reader pauses before its next read. A gateway that writes each line with its own write(2) finds our
/// reader waiting on a quiet machine, so every line would wake it: the gateway pays a wake-up per line and we pay two syscalls.
/// Once two small reads come back to back (a flood), the reader pauses for <see cref="Pause"/> before reading again, so the
/// lines written meanwhile accumulate and are taken in one read, and no write wakes anybody. The pause goes on while each read
/// after it finds data, and ends when the pipe is found empty after one (<see cref="Drained"/>). A line after quiet is read at once:
/// a pause only follows a read, and only a read that came soon after the one before it.
/// What a pause can add to a line's latency is bounded: the line was written during the pause, so it waits at most
/// <see cref="Pause"/> plus the kernel's timer slack (50 µs for a normal thread), i.e. about 150 µs.
/// A full read never pauses: the gateway is ahead, and the reader reads again at once.
/// <para>
/// A pause sleeps, except during an intense flood (<see cref="Intense"/>: what piled up across the last pause came at
/// <see cref="IntenseBytesPerSecond"/> or more), when it is spent on the CPU, yielding it to any other runnable thread: parking
/// the reader's CPU and waking it thousands of times a second slowed the flooding gateway itself (its own writing time 153.6 ms
/// asleep, 146.1 ms yielding, means of four A/B runs in docs/benchmarks.md). A busy but ordinary log never yields, and a flood
/// yields for at most <see cref="IntenseLimit"/>: one that goes on longer sleeps its pauses again, so a gateway that floods
/// without end costs a sleeping reader's CPU, not a core.
/// </para>
/// </summary>
internal sealed class ReadCoalescing
{
    /// <summary>How long the reader pauses before the next read during a flood.</summary>
    public static readonly TimeSpan Pause = TimeSpan.FromMicroseconds(100);

    /// <summary>Two small reads at most this far apart start a flood.</summary>
    public static readonly TimeSpan FloodGap = TimeSpan.FromMicroseconds(250);

    /// <summary>The rate, read across a pause, from which a flood is intense (about 700,000 lines of a dozen bytes a second).</summary>
    public const long IntenseBytesPerSecond = 8 * 1000 * 1000;

    /// <summary>How long a flood's pauses may yield, from its first intense one, before they sleep again.</summary>
    public static readonly TimeSpan IntenseLimit = TimeSpan.FromSeconds(1);

    private readonly long _floodGap;
    private readonly long _timestampsPerSecond;
    private readonly long _intenseLimit;
    private long _previousRead;
    private long? _intenseSince;
    private bool _hasPrevious;
    private bool _paused;

    /// <param name="timestampsPerSecond">The unit of the timestamps passed in (<see cref="System.Diagnostics.Stopwatch.Frequency"/>).</param>
    public ReadCoalescing(long timestampsPerSecond)
    {
        _floodGap = (long)(FloodGap.TotalSeconds * timestampsPerSecond);
        _timestampsPerSecond = timestampsPerSecond;
        _intenseLimit = (long)(IntenseLimit.TotalSeconds * timestampsPerSecond);
    }

    /// <summary>Gets whether the pause <see cref="PauseAfterRead"/> asked for is one of an intense flood, to be spent yielding rather than asleep.</summary>
    public bool Intense { get; private set; }

    /// <summary>
    /// A read returned <paramref name="count"/> bytes (more than none) into a buffer of <paramref name="capacity"/> at
    /// <paramref name="now"/>: true when the reader should pause before reading again.
    /// </summary>
    public bool PauseAfterRead(long now, int count, int capacity)
    {
        var sincePrevious = now - _previousRead;
        var backToBack = _hasPrevious && sincePrevious <= _floodGap;
        var afterPause = _paused;
        _previousRead = now;
        _hasPrevious = true;

        // After a pause, data in the next read means the flood goes on, however long the pause took to end.
        _paused = count < capacity && (_paused || backToBack);

        if (!afterPause && !backToBack)
        {
            _intenseSince = null; // a read after quiet: a new flood, with a yielding budget of its own
        }

        // What piled up during the pause just ended measures the flood: bytes over the time since the read before it.
        var intense = _paused && afterPause && (long)count * _timestampsPerSecond / Math.Max(sincePrevious, 1) >= IntenseBytesPerSecond;
        if (intense)
        {
            _intenseSince ??= now;
            intense = now - _intenseSince.Value <= _intenseLimit;
        }

        Intense = intense;
        return _paused;
    }

    /// <summary>A read found nothing to read: the flood, if there was one, is over.</summary>
    public void Drained()
    {
        _paused = Intense = false;
        _intenseSince = null;
    }
}
