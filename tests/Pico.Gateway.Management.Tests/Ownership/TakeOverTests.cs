using Pico.Gateway.Management.Tests.Testing;

namespace Pico.Gateway.Management.Tests.Ownership;

/// <summary>
/// A host refused because another held the ownership lock takes it over on a tick when that host goes. With nothing left to adopt
/// it does what a host starting now would: follow a gateway started elsewhere, else start one when AutoStart is on.
/// </summary>
public sealed class TakeOverTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("pico-takeover-");

    private string PidFile => Path.Combine(_directory.FullName, "gateway.pid");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_host_that_takes_over_with_nothing_to_adopt_starts_a_gateway_only_when_AutoStart_is_on(bool autoStart)
    {
        var owner = new ManagerFixture(o => o.PidFilePath = PidFile);
        await using var waiting = new ManagerFixture(o =>
        {
            o.PidFilePath = PidFile;
            o.AutoStart = autoStart;
        });
        // Supervision begins off the constructor's thread: the refusal is an event to wait for, not a state to read at once.
        await waiting.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Error).WaitAsync(Guard);
        await owner.DisposeAsync();
        waiting.Probe.Answer = HealthProbeResult.Healthy();

        // A refused host keeps trying on every tick until the lock is free; the owner's lock may be released a moment after its
        // disposal returns, so ticks are run until the take-over is published, bounded by the guard.
        var refused = waiting.Manager.Current.Sequence;
        var bound = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            await waiting.Manager.TickAsync(CancellationToken.None).WaitAsync(Guard);
        }
        while (waiting.Manager.Current.Sequence == refused && bound.Elapsed < Guard);

        var taken = await waiting.Recorder.WaitForAsync(e => autoStart ? e.Status == GatewayStatus.Running : e.Status == GatewayStatus.Stopped && e.Sequence > 1).WaitAsync(Guard);

        if (autoStart)
        {
            var started = Assert.Single(waiting.Launcher.Started);
            Assert.Equal((started.Id, GatewayOwnership.Owned, null), (taken.ProcessId!.Value, taken.Ownership, taken.LastError));
        }
        else
        {
            Assert.Empty(waiting.Launcher.Started);
            Assert.Null(taken.LastError);
        }
    }

    [Fact]
    public async Task A_host_that_takes_over_follows_a_gateway_started_elsewhere_instead_of_auto_starting_beside_it()
    {
        var owner = new ManagerFixture(o => o.PidFilePath = PidFile);
        var locator = new FakeGatewayLocator { Found = new ExternalGateway(4242) };
        await using var waiting = new ManagerFixture(
            o =>
            {
                o.PidFilePath = PidFile;
                o.AutoStart = true;
            },
            locator: locator);
        await waiting.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Error).WaitAsync(Guard);
        await owner.DisposeAsync();

        await waiting.Manager.TickAsync(CancellationToken.None).WaitAsync(Guard);
        var attached = await waiting.Recorder.WaitForAsync(e => e.ProcessId is not null).WaitAsync(Guard);

        Assert.Empty(waiting.Launcher.Started);
        Assert.Equal((GatewayOwnership.External, 4242), (attached.Ownership, attached.ProcessId));
    }

    [Fact]
    public async Task A_refused_host_never_asks_the_locator()
    {
        await using var owner = new ManagerFixture(o => o.PidFilePath = PidFile);
        var locator = new FakeGatewayLocator { Found = new ExternalGateway(4242) };
        await using var waiting = new ManagerFixture(o => o.PidFilePath = PidFile, locator: locator);
        await waiting.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Error).WaitAsync(Guard);

        await waiting.Manager.TickAsync(CancellationToken.None).WaitAsync(Guard);

        Assert.Equal(0, locator.Calls);
        Assert.Empty(waiting.Launcher.AttachedExternal);
        Assert.Equal(GatewayStatus.Error, waiting.Manager.Current.Status);
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
