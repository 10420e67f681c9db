using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace Pico.Gateway.Management.SampleHost.Hosting;

/// <summary>Hands Kestrel a <see cref="BoundedBlockMemoryPool"/> instead of its own pinned pool, which shrinks slowly after a burst.</summary>
internal sealed class BoundedMemoryPoolFactory(TimeProvider time) : IMemoryPoolFactory<byte>
{
    /// <summary>Idle blocks a pool may always keep: 1 MiB, many times what a dashboard and its event streams use between requests.</summary>
    public const int MinPooledBlocks = 256;

    private readonly Lock _gate = new();
    private readonly List<BoundedBlockMemoryPool> _pools = [];

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null)
    {
        var pool = new BoundedBlockMemoryPool(MinPooledBlocks, time);
        lock (_gate)
        {
            _pools.Add(pool);
        }

        return pool;
    }

    /// <summary>Trims every pool handed out (one per listener) down to its minimum.</summary>
    public void Trim()
    {
        lock (_gate)
        {
            foreach (var pool in _pools)
            {
                pool.Trim();
            }
        }
    }
}
