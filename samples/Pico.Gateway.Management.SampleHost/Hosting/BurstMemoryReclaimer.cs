using System.Diagnostics;
using Pico.Gateway.Management.SampleHost.Diagnostics;

namespace Pico.Gateway.Management.SampleHost.Hosting;

/// <summary>
/// Gives the memory of a burst back to the OS once the burst is over: after at least <see cref="MinDrops"/> dropped
/// event-stream clients or <see cref="MinLines"/> captured gateway lines, and then <see cref="QuietPeriod"/> without either,
/// it trims Kestrel's pools and runs one blocking, compacting, aggressive collection, which also decommits the heap's free
/// memory. Without it, what a burst allocated stays: the buffers of 500 stuck clients are gen-2 garbage that an idle host
/// does not collect for minutes (RSS +60 % of idle 30 s after they went), and the line strings of a 200,000-line flood sit in
/// a gen-0 budget of ~25 MiB that an idle host takes many minutes to fill (RSS +16-20 %, no collection at all in the 30 s
/// after); docs/benchmarks.md. Switched off with <c>SampleHost:ReclaimAfterBursts=false</c>.
/// </summary>
internal sealed class BurstMemoryReclaimer : ILogSink, IDisposable
{
    /// <summary>The configuration key that switches the collection off.</summary>
    public const string EnabledKey = "SampleHost:ReclaimAfterBursts";

    /// <summary>Fewer drops than this leave too little behind to be worth a full collection.</summary>
    public const int MinDrops = 16;

    /// <summary>Fewer captured lines than this (a few MiB of strings) are not worth a full collection.</summary>
    public const int MinLines = 100_000;

    /// <summary>How long neither a drop nor a line may come before the burst counts as over.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(2);

    private readonly BoundedMemoryPoolFactory? _pools;
    private readonly ILogger _logger;
    private readonly bool _enabled;
    private readonly ITimer _timer;
    private long _drops;
    private long _lines;
    private long _activityAtArm;
    private int _armed;

    public BurstMemoryReclaimer(TimeProvider time, ILoggerFactory loggerFactory, IConfiguration configuration, BoundedMemoryPoolFactory? pools = null)
    {
        _pools = pools;
        _logger = loggerFactory.CreateLogger(SampleHostLog.Category);
        _enabled = !bool.TryParse(configuration[EnabledKey], out var enabled) || enabled;
        _timer = time.CreateTimer(static state => ((BurstMemoryReclaimer)state!).OnQuietCheck(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Gets how many collections ran.</summary>
    public int Collections { get; private set; }

    /// <summary>An event-stream client was dropped.</summary>
    public void ClientDropped()
    {
        if (_enabled && Interlocked.Increment(ref _drops) >= MinDrops)
        {
            Arm();
        }
    }

    /// <summary>Counts a captured line: one increment, and a timer armed once per burst.</summary>
    public void Write(in GatewayLogLine line)
    {
        if (_enabled && Interlocked.Increment(ref _lines) >= MinLines && Volatile.Read(ref _armed) == 0)
        {
            Arm();
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Arm()
    {
        if (Interlocked.Exchange(ref _armed, 1) == 0)
        {
            Volatile.Write(ref _activityAtArm, Activity);
            _timer.Change(QuietPeriod, Timeout.InfiniteTimeSpan);
        }
    }

    private long Activity => Interlocked.Read(ref _drops) + Interlocked.Read(ref _lines);

    private void OnQuietCheck()
    {
        // Still busy: look again one quiet period later (one timer per period, not one per line or drop).
        var activity = Activity;
        if (activity != Volatile.Read(ref _activityAtArm))
        {
            Volatile.Write(ref _activityAtArm, activity);
            _timer.Change(QuietPeriod, Timeout.InfiniteTimeSpan);
            return;
        }

        var drops = Interlocked.Exchange(ref _drops, 0);
        var lines = Interlocked.Exchange(ref _lines, 0);
        Volatile.Write(ref _armed, 0);
        _pools?.Trim();
        var before = GC.GetGCMemoryInfo().TotalCommittedBytes;
        var started = Stopwatch.GetTimestamp();
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var pause = Stopwatch.GetElapsedTime(started);
        var after = GC.GetGCMemoryInfo().TotalCommittedBytes;
        Collections++;
        SampleHostLog.MemoryReclaimed(_logger, drops, lines, pause.TotalMilliseconds, before / 1048576.0, after / 1048576.0);
    }
}
