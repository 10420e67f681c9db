namespace Pico.Gateway.Management.Benchmarks.Scenarios;

/// <summary>
/// A log sink that counts lines, stamps the first and the last one and reads two allocation counters at both: the splitting
/// thread's own (the per-line path: what each line costs), and the whole process's (adding the pipe reader's chunk buffers a
/// burst needs beyond what the shared pool holds, and whatever else the process allocated meanwhile, e.g. startup probes).
/// </summary>
internal sealed class CountingSink(int expected) : ILogSink
{
    private long _count;

    public long Count => Volatile.Read(ref _count);

    public long FirstStamp { get; private set; }

    public long LastStamp { get; private set; }

    public long AllocatedAtFirst { get; private set; }

    public long AllocatedAtLast { get; private set; }

    public long ThreadAllocatedAtFirst { get; private set; }

    public long ThreadAllocatedAtLast { get; private set; }

    /// <summary>Bytes of the line strings themselves between the first and the last line (x64: 22 + 2 per char, rounded up to 8).</summary>
    public long StringBytes { get; private set; }

    public string? LastText { get; private set; }

    public TaskCompletionSource AllLines { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Reset()
    {
        Volatile.Write(ref _count, 0);
        FirstStamp = LastStamp = AllocatedAtFirst = AllocatedAtLast = ThreadAllocatedAtFirst = ThreadAllocatedAtLast = StringBytes = 0;
        LastText = null;
        AllLines = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Write(in GatewayLogLine line)
    {
        var count = Interlocked.Increment(ref _count);
        if (count == 1)
        {
            AllocatedAtFirst = GC.GetTotalAllocatedBytes(precise: true);
            ThreadAllocatedAtFirst = GC.GetAllocatedBytesForCurrentThread();
            FirstStamp = Infrastructure.Clock.Now();
            return;
        }

        StringBytes += (22 + (2 * line.Text.Length) + 7) & ~7;
        if (count == expected)
        {
            ThreadAllocatedAtLast = GC.GetAllocatedBytesForCurrentThread();
            AllocatedAtLast = GC.GetTotalAllocatedBytes(precise: true);
            LastStamp = Infrastructure.Clock.Now();
            LastText = line.Text;
            AllLines.TrySetResult();
        }
    }
}
