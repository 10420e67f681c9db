using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Pico.Gateway.Management.SampleHost.Hosting;

namespace Pico.Gateway.Management.SampleHost.Tests.Hosting;

public sealed class BurstMemoryReclaimerTests
{
    private static readonly GatewayLogLine Line = new(1, DateTimeOffset.UnixEpoch, GatewayLogStream.StandardOutput, "line");

    [Fact]
    public void A_burst_of_drops_is_followed_by_one_collection_once_the_drops_stop()
    {
        var time = new FakeTimeProvider();
        var pools = new BoundedMemoryPoolFactory(time);
        var pool = (BoundedBlockMemoryPool)pools.Create();
        Enumerable.Range(0, BoundedMemoryPoolFactory.MinPooledBlocks + 50).Select(_ => pool.Rent()).ToList().ForEach(block => block.Dispose());
        using var reclaimer = new BurstMemoryReclaimer(time, NullLoggerFactory.Instance, Configuration(), pools);

        for (var i = 0; i < BurstMemoryReclaimer.MinDrops * 2; i++)
        {
            reclaimer.ClientDropped();
            time.Advance(TimeSpan.FromMilliseconds(200));
        }

        Assert.Equal(0, reclaimer.Collections);
        AdvanceInSteps(time, BurstMemoryReclaimer.QuietPeriod * 2);
        Assert.Equal(1, reclaimer.Collections);
        Assert.Equal(BoundedMemoryPoolFactory.MinPooledBlocks, pool.PooledBlocks);
        AdvanceInSteps(time, BurstMemoryReclaimer.QuietPeriod * 10);
        Assert.Equal(1, reclaimer.Collections);
    }

    [Fact]
    public void A_log_flood_is_followed_by_one_collection_once_the_lines_stop()
    {
        var time = new FakeTimeProvider();
        using var reclaimer = new BurstMemoryReclaimer(time, NullLoggerFactory.Instance, Configuration());

        for (var i = 0; i < BurstMemoryReclaimer.MinLines; i++)
        {
            reclaimer.Write(Line);
        }

        time.Advance(BurstMemoryReclaimer.QuietPeriod - TimeSpan.FromMilliseconds(1));
        reclaimer.Write(Line);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, reclaimer.Collections);
        time.Advance(BurstMemoryReclaimer.QuietPeriod);
        Assert.Equal(1, reclaimer.Collections);
    }

    [Fact]
    public void A_few_drops_or_lines_are_not_worth_a_full_collection()
    {
        var time = new FakeTimeProvider();
        using var reclaimer = new BurstMemoryReclaimer(time, NullLoggerFactory.Instance, Configuration());

        for (var i = 0; i < BurstMemoryReclaimer.MinDrops - 1; i++)
        {
            reclaimer.ClientDropped();
        }

        for (var i = 0; i < 1000; i++)
        {
            reclaimer.Write(Line);
        }

        time.Advance(BurstMemoryReclaimer.QuietPeriod * 3);
        Assert.Equal(0, reclaimer.Collections);
    }

    [Fact]
    public void The_setting_switches_the_collection_off()
    {
        var time = new FakeTimeProvider();
        using var reclaimer = new BurstMemoryReclaimer(time, NullLoggerFactory.Instance, Configuration((BurstMemoryReclaimer.EnabledKey, "false")));

        for (var i = 0; i < BurstMemoryReclaimer.MinDrops * 2; i++)
        {
            reclaimer.ClientDropped();
        }

        time.Advance(BurstMemoryReclaimer.QuietPeriod * 3);
        Assert.Equal(0, reclaimer.Collections);
    }

    private static void AdvanceInSteps(FakeTimeProvider time, TimeSpan span)
    {
        for (var step = TimeSpan.Zero; step < span; step += TimeSpan.FromMilliseconds(100))
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
        }
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(pair => pair.Key, pair => (string?)pair.Value)).Build();
}
