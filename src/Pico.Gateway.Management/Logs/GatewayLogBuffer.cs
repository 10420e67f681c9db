namespace Pico.Gateway.Management;

/// <summary>
/// The default log sink: a ring buffer of the last <see cref="GatewayOptions.LogCapacity"/> lines with a run id and a running total,
/// so a client can follow the output incrementally with <see cref="Read"/>.
/// </summary>
/// <remarks>
/// Each spawn starts a new run (buffer emptied, total 0, run id + 1); <see cref="Clear"/> does the same.
/// </remarks>
internal sealed class GatewayLogBuffer : ILogSink, IGatewayLogs
{
    private readonly Lock _gate = new();
    private readonly GatewayLogLine[] _ring;
    private long _total;
    private long _runId;

    /// <summary>Initializes a new instance of the <see cref="GatewayLogBuffer"/> class.</summary>
    /// <param name="capacity">How many lines are kept.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    public GatewayLogBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new GatewayLogLine[capacity];
    }

    /// <summary>Gets how many lines are kept.</summary>
    public int Capacity => _ring.Length;

    /// <summary>Gets the current run id: 0 before anything ran.</summary>
    public long RunId
    {
        get
        {
            lock (_gate)
            {
                return _runId;
            }
        }
    }

    /// <summary>Gets how many lines the current run has produced, including evicted ones.</summary>
    public long Total
    {
        get
        {
            lock (_gate)
            {
                return _total;
            }
        }
    }

    /// <inheritdoc />
    public void Write(in GatewayLogLine line)
    {
        lock (_gate)
        {
            _ring[(int)(_total % _ring.Length)] = line;
            _total++;
        }
    }

    /// <inheritdoc />
    void ILogSink.OnProcessStarting() => Clear();

    /// <summary>Starts a new run: empties the buffer, sets the total to 0 and increments the run id.</summary>
    /// <returns>The new run id.</returns>
    public long Clear()
    {
        lock (_gate)
        {
            Array.Clear(_ring);
            _total = 0;
            return ++_runId;
        }
    }

    /// <summary>Reads the lines after <paramref name="offset"/>.</summary>
    /// <param name="offset">How many lines of the run the caller has already seen. Ignored (taken as 0) when <paramref name="runId"/> is not the current run.</param>
    /// <param name="runId">The run the caller's offset belongs to; pass -1 when it has none.</param>
    /// <returns>The lines still buffered after the offset (all buffered ones when older lines were evicted; none when the offset is at or past the total), the total and the current run id.</returns>
    public GatewayLogPage Read(long offset, long runId)
    {
        lock (_gate)
        {
            if (runId != _runId || offset < 0)
            {
                offset = 0;
            }

            var oldestBuffered = Math.Max(0, _total - _ring.Length);
            var first = Math.Max(offset, oldestBuffered);
            if (first >= _total)
            {
                return new GatewayLogPage([], _total, _runId);
            }

            var lines = new GatewayLogLine[_total - first];
            for (var i = 0; i < lines.Length; i++)
            {
                lines[i] = _ring[(int)((first + i) % _ring.Length)];
            }

            return new GatewayLogPage(lines, _total, _runId);
        }
    }
}
