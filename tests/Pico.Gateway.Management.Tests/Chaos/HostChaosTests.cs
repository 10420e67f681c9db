using System.Globalization;
using Xunit.Abstractions;

namespace Pico.Gateway.Management.Tests.Chaos;

/// <summary>
/// Issue 12: the chaos suite with real host processes (the test child's <c>host</c> mode) sharing one pid file. A second host
/// started while the first runs is refused and leaves the gateway alone; the owner SIGKILLed hands the gateway to the waiting host,
/// which adopts it; and host kills repeated with the gateway killed around them never leave two gateways at once (the process table
/// is scanned on every state line a host prints, and every 100 ms) and end with one owner running one gateway.
/// </summary>
[Collection(ChaosCollectionDefinition.Name)]
[Trait(TestCategory.Name, TestCategory.Slow)]
public sealed class HostChaosTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan ScanInterval = TimeSpan.FromMilliseconds(100);

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("pico-chaos-hosts-");
    private readonly string _marker = "pico-chaos-hosts-" + Guid.NewGuid().ToString("N");
    private readonly int _port = FreePort.Next();
    private readonly List<ChaosHost> _hosts = [];

    private string PidFile => Path.Combine(_directory.FullName, "gateway.pid");

    [Fact]
    public async Task A_second_host_is_refused_and_adopts_the_same_gateway_when_the_first_is_killed() => await WithWatchAsync(async watch =>
    {
        var first = Start(watch, "host 1");
        var gateway = (await first.WaitForStateAsync(s => s.Status == "running", "running")).Pid!.Value;

        var second = Start(watch, "host 2");
        var refused = await second.WaitForStateAsync(s => s.Status == "error", "the refusal");
        Assert.Equal(($"managed by another host (pid {first.Id})", null), (refused.LastError, refused.Pid));
        Assert.Equal([gateway], watch.Scan());

        first.KillHard();
        var adopted = await second.WaitForStateAsync(s => s.Status == "running", "running after the take-over");

        Assert.Equal((gateway, true), (adopted.Pid, adopted.Adopted));
        Assert.Equal([gateway], watch.Scan());
        Assert.True(await second.TerminateAsync(), second.Output);
        Assert.Empty(watch.Scan());
    });

    [Fact]
    public async Task Repeated_host_kills_with_gateway_kills_around_them_never_run_two_gateways_and_end_with_one_owner() => await WithWatchAsync(async watch =>
    {
        var seed = Environment.GetEnvironmentVariable("PICO_CHAOS_SEED") is { Length: > 0 } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        output.WriteLine($"host chaos seed {seed} (rerun with PICO_CHAOS_SEED={seed})");
        var random = new Random(seed);
        var owner = Start(watch, "host 0");
        var gateway = (await owner.WaitForStateAsync(s => s.Status == "running", "running")).Pid!.Value;
        for (var round = 1; round <= 5; round++)
        {
            var next = Start(watch, $"host {round}");
            var refused = await next.WaitForStateAsync(s => s.Status == "error", "the refusal");
            Assert.True(refused.LastError == $"managed by another host (pid {owner.Id})", $"seed {seed}, round {round}: {refused}");

            var flavour = random.Next(3);
            output.WriteLine($"round {round}: {(flavour == 0 ? "owner killed" : flavour == 1 ? "gateway killed, restarted by its owner, then the owner killed" : "owner killed, then its gateway")}");
            if (flavour == 1)
            {
                PosixSignals.Send(gateway, PosixSignals.SIGKILL);
                var previous = gateway;
                gateway = (await owner.WaitForStateAsync(s => s.Status == "running" && s.Pid != previous, "the crash restart")).Pid!.Value;
            }

            owner.KillHard();
            var killedGateway = flavour == 2 ? gateway : (int?)null;
            if (killedGateway is { } orphan)
            {
                // No host is left to restart it: the next one, taking over with nothing to adopt, starts its own (AutoStart).
                PosixSignals.Send(orphan, PosixSignals.SIGKILL);
            }

            var taken = await next.WaitForStateAsync(s => s.Status == "running" && s.Pid != killedGateway, "running after the take-over");
            Assert.True(killedGateway is not null || (taken.Pid == gateway && taken.Adopted), $"seed {seed}, round {round}: {taken} after owning {gateway}");
            Assert.Equal([taken.Pid!.Value], watch.Scan());
            (owner, gateway) = (next, taken.Pid!.Value);
        }

        Assert.True(await owner.TerminateAsync(), owner.Output);
        Assert.Empty(watch.Scan());
    });

    public void Dispose()
    {
        foreach (var host in _hosts)
        {
            host.Dispose();
        }

        // A gateway whose host was killed belongs to no process the test holds: it is found by its marker.
        foreach (var survivor in ProcessTable.LiveProcessesWithMarker(_marker))
        {
            try
            {
                PosixSignals.Send(survivor, PosixSignals.SIGKILL);
            }
            catch (InvalidOperationException)
            {
                // Gone meanwhile.
            }
        }

        _directory.Delete(recursive: true);
    }

    private ChaosHost Start(MarkerProcessWatch watch, string name)
    {
        var host = ChaosHost.Start(name, PidFile, _port, _marker, watch);
        _hosts.Add(host);
        return host;
    }

    /// <summary>Runs a scenario with the process table scanned throughout; no scan may ever have seen two gateways.</summary>
    private async Task WithWatchAsync(Func<MarkerProcessWatch, Task> scenario)
    {
        using var stop = new CancellationTokenSource();
        var watch = new MarkerProcessWatch(_marker);
        var ticker = PokeAsync(watch, stop.Token);
        try
        {
            await scenario(watch);
        }
        finally
        {
            await stop.CancelAsync();
            await ticker;
            await watch.DisposeAsync();
        }

        Assert.True(watch.Violations.Count == 0, string.Join("\n", watch.Violations));
        Assert.Equal(1, watch.MostAlive);
        output.WriteLine($"{watch.Scans} process-table scans, at most {watch.MostAlive} gateway alive");
    }

    private static async Task PokeAsync(MarkerProcessWatch watch, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(ScanInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                watch.Poke();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
