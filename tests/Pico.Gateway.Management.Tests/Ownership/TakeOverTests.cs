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
        Assert.Equal(GatewayStatus.Error, waiting.Manager.Current.Status);
        await owner.DisposeAsync();
        waiting.Probe.Answer = HealthProbeResult.Healthy();

        await waiting.Manager.TickAsync(CancellationToken.None).WaitAsync(Guard);

        if (autoStart)
        {
            var started = Assert.Single(waiting.Launcher.Started);
            var running = await waiting.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Running).WaitAsync(Guard);
            Assert.Equal((started.Id, GatewayOwnership.Owned, null), (running.ProcessId!.Value, running.Ownership, running.LastError));
        }
        else
        {
            Assert.Empty(waiting.Launcher.Started);
            Assert.Equal((GatewayStatus.Stopped, null), (waiting.Manager.Current.Status, waiting.Manager.Current.LastError));
        }
    }

    [Fact]
    public async Task A_host_that_takes_over_follows_a_gateway_started_elsewhere_instead_of_auto_starting_beside_it()
    {
        var owner = new ManagerFixture(o => o.PidFilePath = PidFile);
        var locator = new FakeGatewayLocator();
        await using var waiting = new ManagerFixture(
            o =>
            {
                o.PidFilePath = PidFile;
                o.AutoStart = true;
            },
            locator: locator);
        await owner.DisposeAsync();
        locator.Found = new ExternalGateway(4242);

        await waiting.Manager.TickAsync(CancellationToken.None).WaitAsync(Guard);

        Assert.Empty(waiting.Launcher.Started);
        Assert.Equal((GatewayOwnership.External, 4242), (waiting.Manager.Current.Ownership, waiting.Manager.Current.ProcessId));
    }

    [Fact]
    public async Task A_refused_host_never_asks_the_locator()
    {
        await using var owner = new ManagerFixture(o => o.PidFilePath = PidFile);
        var locator = new FakeGatewayLocator { Found = new ExternalGateway(4242) };
        await using var waiting = new ManagerFixture(o => o.PidFilePath = PidFile, locator: locator);

        await waiting.Manager.TickAsync(CancellationToken.None).WaitAsync(Guard);

        Assert.Equal(0, locator.Calls);
        Assert.Empty(waiting.Launcher.AttachedExternal);
        Assert.Equal(GatewayStatus.Error, waiting.Manager.Current.Status);
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
