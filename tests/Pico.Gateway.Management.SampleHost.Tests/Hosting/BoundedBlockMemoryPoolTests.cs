using Microsoft.Extensions.Time.Testing;
using Pico.Gateway.Management.SampleHost.Hosting;

namespace Pico.Gateway.Management.SampleHost.Tests.Hosting;

public sealed class BoundedBlockMemoryPoolTests
{
    [Fact]
    public void A_returned_block_is_handed_out_again()
    {
        using var pool = new BoundedBlockMemoryPool(minPooledBlocks: 4, new FakeTimeProvider());
        var first = pool.Rent();
        var memory = first.Memory;
        first.Dispose();

        using var second = pool.Rent();

        Assert.True(memory.Span == second.Memory.Span);
        Assert.Equal(BoundedBlockMemoryPool.BlockSize, second.Memory.Length);
        Assert.Equal(1, pool.BlocksInUse);
    }

    [Fact]
    public void During_a_burst_every_returned_block_is_kept_so_the_burst_does_not_churn()
    {
        using var pool = new BoundedBlockMemoryPool(minPooledBlocks: 2, new FakeTimeProvider());
        var rented = Enumerable.Range(0, 10).Select(_ => pool.Rent()).ToList();

        rented.ForEach(block => block.Dispose());

        Assert.Equal(10, pool.PooledBlocks);
        Assert.Equal(0, pool.BlocksInUse);
    }

    [Fact]
    public void Once_no_block_was_allocated_for_the_quiet_period_returns_trim_the_pool_to_its_minimum()
    {
        var time = new FakeTimeProvider();
        using var pool = new BoundedBlockMemoryPool(minPooledBlocks: 2, time);
        var rented = Enumerable.Range(0, 40).Select(_ => pool.Rent()).ToList();
        rented.Skip(1).ToList().ForEach(block => block.Dispose());
        Assert.Equal(39, pool.PooledBlocks);

        time.Advance(BoundedBlockMemoryPool.QuietPeriod + TimeSpan.FromSeconds(1));
        for (var i = 0; i < 10 && pool.PooledBlocks > 2; i++)
        {
            pool.Rent().Dispose();
        }

        rented[0].Dispose();
        Assert.Equal(2, pool.PooledBlocks);
    }

    [Fact]
    public void Trim_drops_idle_blocks_down_to_the_minimum_at_once()
    {
        using var pool = new BoundedBlockMemoryPool(minPooledBlocks: 3, new FakeTimeProvider());
        Enumerable.Range(0, 20).Select(_ => pool.Rent()).ToList().ForEach(block => block.Dispose());

        pool.Trim();

        Assert.Equal(3, pool.PooledBlocks);
    }

    [Fact]
    public void A_block_disposed_twice_is_returned_once()
    {
        using var pool = new BoundedBlockMemoryPool(minPooledBlocks: 4, new FakeTimeProvider());
        var block = pool.Rent();

        block.Dispose();
        block.Dispose();

        Assert.Equal(1, pool.PooledBlocks);
        Assert.Equal(0, pool.BlocksInUse);
    }
}
