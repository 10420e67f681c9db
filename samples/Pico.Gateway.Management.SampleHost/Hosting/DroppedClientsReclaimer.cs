using System.Diagnostics;
using Pico.Gateway.Management.SampleHost.Diagnostics;

namespace Pico.Gateway.Management.SampleHost.Hosting;

/// <summary>
/// Gives the memory of a burst of dropped event-stream clients back to the OS once the burst is over: when at least
/// <see cref="MinDrops"/> clients were dropped and none for <see cref="QuietPeriod"/>, it trims Kestrel's pools and runs one
/// blocking, compacting, aggressive collection (which also decommits the heap's free memory). Without it the buffers those
/// clients held are garbage in gen 2 that an idle host does not collect for minutes, and the heap stays committed: RSS was
/// still +60 % of idle 30 s after 500 stuck clients went (docs/benchmarks.md, issue 14). Switched off with
/// <c>SampleHost:ReclaimAfterDroppedClients=false</c>.
/// </summary>
internal sealed class DroppedClientsReclaimer : IDisposable
{
    /// <summary>The configuration key that switches the collection off.</summary>
    public const string EnabledKey = "SampleHost:ReclaimAfterDroppedClients";

    /// <summary>Fewer drops than this leave too little behind to be worth a full collection.</summary>
    public const int MinDrops = 16;

    /// <summary>How long no client has to be dropped before the burst counts as over.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(2);

    private readonly BoundedMemoryPoolFactory? _pools;
    private readonly ILogger _logger;
    private readonly bool _enabled;
    private readonly ITimer _timer;
    private long _drops;

    public DroppedClientsReclaimer(TimeProvider time, ILoggerFactory loggerFactory, IConfiguration configuration, BoundedMemoryPoolFactory? pools = null)
    {
        _pools = pools;
        _logger = loggerFactory.CreateLogger(SampleHostLog.Category);
        _enabled = !bool.TryParse(configuration[EnabledKey], out var enabled) || enabled;
        _timer = time.CreateTimer(static state => ((DroppedClientsReclaimer)state!).Reclaim(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Gets how many collections ran.</summary>
    public int Collections { get; private set; }

    /// <summary>A client was dropped: (re)starts the quiet period.</summary>
    public void ClientDropped()
    {
        if (_enabled && Interlocked.Increment(ref _drops) >= MinDrops)
        {
            _timer.Change(QuietPeriod, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Reclaim()
    {
        var dropped = Interlocked.Exchange(ref _drops, 0);
        _pools?.Trim();
        var before = GC.GetGCMemoryInfo().TotalCommittedBytes;
        var started = Stopwatch.GetTimestamp();
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var pause = Stopwatch.GetElapsedTime(started);
        var after = GC.GetGCMemoryInfo().TotalCommittedBytes;
        Collections++;
        SampleHostLog.MemoryReclaimed(_logger, dropped, pause.TotalMilliseconds, before / 1048576.0, after / 1048576.0);
    }
}
