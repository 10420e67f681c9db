using System.Buffers;
using System.Collections.Concurrent;

namespace Pico.Gateway.Management.SampleHost.Hosting;

/// <summary>
/// Kestrel's buffer pool for this host: 4 KiB blocks, all kept for reuse while a burst needs new ones, and trimmed down to
/// <see cref="MinPooledBlocks"/> once it has needed none for <see cref="QuietPeriod"/> (a few blocks per return) or when
/// <see cref="Trim"/> is called. Kestrel's own pool gives back 1 % of its blocks every 10 s while any request runs: 500 stuck
/// event-stream clients left 39 MiB pooled, pinned, 30 s after they had gone (docs/benchmarks.md, issue 14). Dropping
/// returned blocks at once instead turned a burst into churn (100 MB allocated while the clients' socket buffers filled). The
/// blocks are ordinary arrays, not pinned ones: on Linux a socket pins a buffer only for the system call, so the GC can
/// compact them and give their memory back.
/// </summary>
internal sealed class BoundedBlockMemoryPool : MemoryPool<byte>
{
    /// <summary>The block size, Kestrel's: a page.</summary>
    public const int BlockSize = 4096;

    /// <summary>How long the pool must have needed no new block before returns trim it.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(5);

    // Once quiet, each return drops this many idle blocks, so a pool left full by a burst is trimmed by the next requests.
    private const int DropsPerReturn = 8;

    private readonly ConcurrentQueue<Block> _blocks = new();
    private readonly TimeProvider _time;
    private int _pooled;
    private int _inUse;
    private long _lastAllocation;

    public BoundedBlockMemoryPool(int minPooledBlocks, TimeProvider time)
    {
        MinPooledBlocks = minPooledBlocks;
        _time = time;
        _lastAllocation = time.GetTimestamp();
    }

    /// <summary>Gets how many idle blocks the pool may always keep; a dashboard's traffic needs a few dozen.</summary>
    public int MinPooledBlocks { get; }

    /// <summary>Gets the number of idle blocks kept now.</summary>
    public int PooledBlocks => Volatile.Read(ref _pooled);

    /// <summary>Gets the number of blocks rented and not returned.</summary>
    public int BlocksInUse => Volatile.Read(ref _inUse);

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        Interlocked.Increment(ref _inUse);
        if (_blocks.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _pooled);
            block.Leased = true;
            return block;
        }

        Volatile.Write(ref _lastAllocation, _time.GetTimestamp());
        return new Block(this);
    }

    /// <summary>Drops idle blocks down to <see cref="MinPooledBlocks"/>, for the GC to take.</summary>
    public void Trim() => DropOver(MinPooledBlocks, int.MaxValue);

    protected override void Dispose(bool disposing)
    {
        _blocks.Clear();
        Volatile.Write(ref _pooled, 0);
    }

    private void Return(Block block)
    {
        Interlocked.Decrement(ref _inUse);
        if (Volatile.Read(ref _pooled) >= MinPooledBlocks && _time.GetElapsedTime(Volatile.Read(ref _lastAllocation)) > QuietPeriod)
        {
            DropOver(MinPooledBlocks, DropsPerReturn);
            return;
        }

        Interlocked.Increment(ref _pooled);
        _blocks.Enqueue(block);
    }

    private void DropOver(int limit, int most)
    {
        for (var i = 0; i < most && Volatile.Read(ref _pooled) > limit && _blocks.TryDequeue(out _); i++)
        {
            Interlocked.Decrement(ref _pooled);
        }
    }

    private sealed class Block(BoundedBlockMemoryPool pool) : IMemoryOwner<byte>
    {
        private readonly byte[] _array = GC.AllocateUninitializedArray<byte>(BlockSize);

        public bool Leased { get; set; } = true;

        public Memory<byte> Memory => _array;

        public void Dispose()
        {
            if (Leased)
            {
                Leased = false;
                pool.Return(this);
            }
        }
    }
}
