using Pico.Gateway.Management.DependencyInjection;
using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Tests.Testing;

namespace Pico.Gateway.Management.Tests.External;

/// <summary>
/// Issue 12, item 4 with a fake locator and a fake clock: a gateway started outside the host is tracked as external, probed and
/// reported, never spawned over, never stopped on the host's exit, refused to stop unless allowed, and its exit has no code.
/// </summary>
public sealed class ExternalGatewayTests
{
    private const int ExternalPid = 4242;

    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_gateway_found_at_supervision_start_is_external_probed_healthy_and_never_spawned_over()
    {
        var locator = new FakeGatewayLocator { Found = new ExternalGateway(ExternalPid) { HealthCheckUrl = new Uri("http://127.0.0.1:18791/health") } };
        await using var fixture = new ManagerFixture(locator: locator);
        Assert.Equal((GatewayStatus.Starting, ExternalPid), (fixture.Manager.Current.Status, fixture.Manager.Current.ProcessId));

        var running = await RunningAsync(fixture);
        Assert.Equal((GatewayOwnership.External, ExternalPid, false), (running.Ownership, running.ProcessId, running.IsAdopted));
        Assert.Null(running.ContainmentMode);
        Assert.Equal([GatewayStatus.Stopped, GatewayStatus.Starting, GatewayStatus.Running], fixture.Recorder.Statuses.Distinct());

        var start = await fixture.Manager.StartAsync().WaitAsync(Guard);
        var restart = await fixture.Manager.RestartAsync().WaitAsync(Guard);
        var stop = await fixture.Manager.StopAsync().WaitAsync(Guard);

        var reason = $"the gateway was started outside this host (pid {ExternalPid}); set Gateway:External:AllowControl to stop or restart it from here";
        Assert.Equal((GatewayStartOutcome.Refused, reason), (start.Outcome, start.Message));
        Assert.Equal((GatewayStartOutcome.Refused, reason), (restart.Outcome, restart.Message));
        Assert.Equal((GatewayStopOutcome.Refused, reason), (stop.Outcome, stop.Message));
        Assert.Empty(fixture.Launcher.Started);
        var external = Assert.Single(fixture.Launcher.AttachedExternal);
        Assert.Equal((0, 0), (external.TerminateSignals, external.KillSignals));
        Assert.Equal(GatewayStatus.Running, fixture.Manager.Current.Status);
    }

    [Fact]
    public async Task The_external_gateway_is_probed_at_the_url_the_locator_gave()
    {
        var url = new Uri("http://127.0.0.1:18791/health");
        var locator = new FakeGatewayLocator { Found = new ExternalGateway(ExternalPid) { HealthCheckUrl = url } };
        await using var fixture = new ManagerFixture(locator: locator);
        await RunningAsync(fixture);

        Assert.Equal(url, fixture.Probe.LastContext?.HealthCheckUrl);
        Assert.Equal((ExternalPid, GatewayOwnership.External), (fixture.Probe.LastContext?.ProcessId, fixture.Probe.LastContext?.Ownership));
    }

    [Fact]
    public async Task The_host_exit_leaves_an_external_gateway_running_even_when_control_is_allowed()
    {
        var locator = new FakeGatewayLocator { Found = new ExternalGateway(ExternalPid) };
        var fixture = new ManagerFixture(o => o.External.AllowControl = true, locator: locator);
        await fixture.Manager.TickAsync(CancellationToken.None).WaitAsync(Guard);
        var external = Assert.Single(fixture.Launcher.AttachedExternal);

        var hosted = new GatewayHostedService(fixture.Manager, fixture.Options);
        await hosted.StopAsync(CancellationToken.None).WaitAsync(Guard);
        await fixture.DisposeAsync();

        Assert.Equal((0, 0, false), (external.TerminateSignals, external.KillSignals, external.HasExited));
    }

    [Fact]
    public async Task With_AllowControl_a_stop_terminates_the_external_gateway()
    {
        var locator = new FakeGatewayLocator { Found = new ExternalGateway(ExternalPid) };
        await using var fixture = new ManagerFixture(o => o.External.AllowControl = true, locator: locator);
        await RunningAsync(fixture);
        locator.Found = null;

        var stop = await fixture.Manager.StopAsync().WaitAsync(Guard);
        await stop.Exited.WaitAsync(Guard);

        Assert.Equal((GatewayStopOutcome.Stopping, ExternalPid), (stop.Outcome, stop.ProcessId));
        Assert.Equal(1, fixture.Launcher.AttachedExternal[0].TerminateSignals);
        Assert.Equal((GatewayStatus.Stopped, null, GatewayOwnership.Owned), (fixture.Manager.Current.Status, fixture.Manager.Current.LastError, fixture.Manager.Current.Ownership));
    }

    [Fact]
    public async Task With_AllowControl_a_restart_replaces_the_external_gateway_with_an_owned_one()
    {
        var locator = new FakeGatewayLocator { Found = new ExternalGateway(ExternalPid) };
        await using var fixture = new ManagerFixture(o => o.External.AllowControl = true, locator: locator);
        await RunningAsync(fixture);
        locator.Found = null;

        var restart = await fixture.Manager.RestartAsync().WaitAsync(Guard);

        Assert.Equal(GatewayStartOutcome.Started, restart.Outcome);
        Assert.Equal(1, fixture.Launcher.AttachedExternal[0].TerminateSignals);
        var owned = await fixture.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Running && e.ProcessId == restart.ProcessId).WaitAsync(Guard);
        Assert.Equal(GatewayOwnership.Owned, owned.Ownership);
    }

    [Fact]
    public async Task An_external_gateway_that_goes_is_reported_stopped_without_an_exit_code_and_nothing_is_started_by_default()
    {
        var locator = new FakeGatewayLocator { Found = new ExternalGateway(ExternalPid) };
        await using var fixture = new ManagerFixture(o => o.RestartPolicy = GatewayRestartPolicy.Always, locator: locator);
        await RunningAsync(fixture);
        locator.Found = null;

        fixture.Launcher.AttachedExternal[0].Exit(GatewayProcessExit.Unknown);
        var stopped = await fixture.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Stopped && e.Sequence > 1).WaitAsync(Guard);
        await fixture.Manager.TickAsync(CancellationToken.None).WaitAsync(Guard);

        Assert.Equal((null, null, GatewayOwnership.Owned), (stopped.LastExitCode, stopped.LastExitSignal, stopped.Ownership));
        Assert.Equal($"the external gateway (pid {ExternalPid}) exited; it was not started by this host, so its exit code is unknown", stopped.LastError);
        Assert.Null(stopped.NextRestartTime);
        Assert.Empty(fixture.Launcher.Started);
        Assert.Equal(GatewayStatus.Stopped, fixture.Manager.Current.Status);
    }

    [Fact]
    public async Task With_StartWhenGone_the_host_starts_its_own_gateway_when_the_external_one_goes()
    {
        var locator = new FakeGatewayLocator { Found = new ExternalGateway(ExternalPid) };
        await using var fixture = new ManagerFixture(o => o.External.StartWhenGone = true, locator: locator);
        await RunningAsync(fixture);
        locator.Found = null;

        fixture.Launcher.AttachedExternal[0].Exit(GatewayProcessExit.Unknown);
        var own = await fixture.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Running && e.Ownership == GatewayOwnership.Owned).WaitAsync(Guard);

        Assert.Equal(fixture.Launcher.Last.Id, own.ProcessId);
        Assert.Single(fixture.Launcher.Started);
        Assert.Contains(GatewayStatus.Stopped, fixture.Recorder.Events.Where(e => e.Sequence > 2).Select(e => e.Status));
    }

    [Fact]
    public async Task With_StartWhenGone_a_start_condition_that_refuses_leaves_it_stopped()
    {
        var locator = new FakeGatewayLocator { Found = new ExternalGateway(ExternalPid) };
        await using var fixture = new ManagerFixture(o => o.External.StartWhenGone = true, locator: locator);
        await fixture.Manager.TickAsync(CancellationToken.None).WaitAsync(Guard);
        locator.Found = null;
        fixture.Condition.NotReadyReason = "no default model configured";

        fixture.Launcher.AttachedExternal[0].Exit(GatewayProcessExit.Unknown);
        await fixture.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Stopped && !e.StartAllowed).WaitAsync(Guard);

        Assert.Empty(fixture.Launcher.Started);
    }

    [Fact]
    public async Task A_start_asks_the_locator_first_and_does_not_spawn_beside_an_external_gateway()
    {
        var locator = new FakeGatewayLocator();
        await using var fixture = new ManagerFixture(locator: locator);
        await fixture.Manager.TickAsync(CancellationToken.None).WaitAsync(Guard);
        locator.Found = new ExternalGateway(ExternalPid);

        var start = await fixture.Manager.StartAsync().WaitAsync(Guard);

        Assert.Equal(GatewayStartOutcome.Refused, start.Outcome);
        Assert.Empty(fixture.Launcher.Started);
        Assert.Equal((GatewayOwnership.External, ExternalPid), (fixture.Manager.Current.Ownership, fixture.Manager.Current.ProcessId));
    }

    [Fact]
    public async Task The_locator_is_not_asked_while_a_gateway_of_ours_runs()
    {
        var locator = new FakeGatewayLocator();
        await using var fixture = new ManagerFixture(locator: locator);
        await fixture.StartRunningAsync().WaitAsync(Guard);
        var calls = locator.Calls;
        locator.Found = new ExternalGateway(ExternalPid);

        await fixture.Manager.TickAsync(CancellationToken.None).WaitAsync(Guard);

        Assert.Equal(calls, locator.Calls);
        Assert.Empty(fixture.Launcher.AttachedExternal);
        Assert.Equal(GatewayOwnership.Owned, fixture.Manager.Current.Ownership);
    }

    [Theory]
    [InlineData("pid 1")]
    [InlineData("this host")]
    [InlineData("gone")]
    [InlineData("throws")]
    public async Task A_locator_naming_pid_1_the_host_itself_or_a_gone_process_or_throwing_attaches_nothing(string found)
    {
        var locator = new FakeGatewayLocator();
        await using var fixture = new ManagerFixture(locator: locator);
        switch (found)
        {
            case "pid 1":
                locator.Found = new ExternalGateway(1);
                break;
            case "this host":
                locator.Found = new ExternalGateway(Environment.ProcessId);
                break;
            case "gone":
                // Gone first: supervision's own first tick may already be asking the locator.
                fixture.Launcher.GoneBeforeAttach[ExternalPid] = true;
                locator.Found = new ExternalGateway(ExternalPid);
                break;
            default:
                locator.Failure = new IOException("the pid file cannot be read");
                break;
        }

        await fixture.Manager.TickAsync(CancellationToken.None).WaitAsync(Guard);

        Assert.Empty(fixture.Launcher.AttachedExternal);
        Assert.Equal((GatewayStatus.Stopped, null), (fixture.Manager.Current.Status, fixture.Manager.Current.ProcessId));
        var start = await fixture.Manager.StartAsync().WaitAsync(Guard);
        Assert.Equal(GatewayStartOutcome.Started, start.Outcome);
    }

    [Fact]
    public async Task A_spawn_that_failed_on_the_port_is_followed_by_the_external_gateway_holding_it()
    {
        var locator = new FakeGatewayLocator();
        await using var fixture = new ManagerFixture(locator: locator);
        fixture.Launcher.SpawnError = "port 18790 is already in use by pid 4242";
        var failed = await fixture.Manager.StartAsync().WaitAsync(Guard);
        Assert.Equal(GatewayStatus.Error, fixture.Manager.Current.Status);
        locator.Found = new ExternalGateway(ExternalPid);

        await fixture.Manager.TickAsync(CancellationToken.None).WaitAsync(Guard);

        Assert.Equal(GatewayStartOutcome.Failed, failed.Outcome);
        Assert.Equal((GatewayStatus.Starting, GatewayOwnership.External, null), (fixture.Manager.Current.Status, fixture.Manager.Current.Ownership, fixture.Manager.Current.LastError));
    }

    /// <summary>The gateway found at supervision start answers healthy from now on: the clock runs to its next startup probe.</summary>
    private static async Task<GatewayEvent> RunningAsync(ManagerFixture fixture)
    {
        fixture.Probe.Answer = HealthProbeResult.Healthy();
        await fixture.Time.AdvanceUntilAsync(() => fixture.Manager.Current.Status == GatewayStatus.Running, TimeSpan.FromMilliseconds(100)).WaitAsync(Guard);
        return fixture.Manager.Current;
    }
}
