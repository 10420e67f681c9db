using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Pico.Gateway.Management.Tests.Testing;

namespace Pico.Gateway.Management.Tests.Diagnostics;

public sealed class GatewayTelemetryTests : IDisposable
{
    private const string Meter = "Pico.Gateway.Management";
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private IMeterFactory MeterFactory => _services.GetRequiredService<IMeterFactory>();

    [Fact]
    public async Task Starts_restarts_and_exits_are_counted_with_their_reason()
    {
        using var starts = new MetricCollector<long>(MeterFactory, Meter, "pico.gateway.starts");
        using var restarts = new MetricCollector<long>(MeterFactory, Meter, "pico.gateway.restarts");
        using var exits = new MetricCollector<long>(MeterFactory, Meter, "pico.gateway.exits");
        await using var fixture = new ManagerFixture(o => o.RestartPolicy = GatewayRestartPolicy.OnFailure, meterFactory: MeterFactory);

        await fixture.StartRunningAsync();
        var restarted = await fixture.Manager.RestartAsync().WaitAsync(TestTimeouts.Wait);
        await fixture.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Running && e.ProcessId == restarted.ProcessId);

        // A healthy gateway's first crash restart is immediate.
        fixture.Launcher.Last.ExitWithCode(1);
        await fixture.Recorder.WaitForAsync(e => fixture.Launcher.Started.Count == 3 && e.ProcessId == fixture.Launcher.Started[2].Id);
        var stop = await fixture.Manager.StopAsync().WaitAsync(TestTimeouts.Wait);
        await stop.Exited.WaitAsync(TestTimeouts.Wait);

        Assert.Equal(["start", "restart", "crash_restart"], starts.GetMeasurementSnapshot().Select(m => (string)m.Tags["reason"]!));
        Assert.Equal(["requested", "crash"], restarts.GetMeasurementSnapshot().Select(m => (string)m.Tags["kind"]!));
        Assert.Equal(["requested", "crash", "requested"], exits.GetMeasurementSnapshot().Select(m => (string)m.Tags["reason"]!));
        Assert.Null(starts.Instrument!.Meter.Tags);
    }

    [Fact]
    public async Task A_named_gateways_meter_carries_its_name()
    {
        var services = new ServiceCollection().AddMetrics();
        services.AddSingleton<Pico.Gateway.Management.Processes.IGatewayProcessLauncher>(new FakeProcessLauncher());
        services.AddSingleton<TimeProvider>(new TrackingTimeProvider());
        services.AddGatewayManagement("alpha", o => o.ExecutablePath = "gw");
        await using var provider = services.BuildServiceProvider();
        using var starts = new MetricCollector<long>(provider.GetRequiredService<IMeterFactory>(), Meter, "pico.gateway.starts");

        await provider.GetRequiredKeyedService<IGatewayManager>("alpha").StartAsync().WaitAsync(TestTimeouts.Wait);

        var measurement = Assert.Single(starts.GetMeasurementSnapshot());
        Assert.Contains(new KeyValuePair<string, object?>("gateway.name", "alpha"), starts.Instrument!.Meter.Tags!);
        Assert.Equal("start", measurement.Tags["reason"]);
    }

    [Fact]
    public async Task Up_and_state_follow_the_snapshot()
    {
        using var up = new MetricCollector<int>(MeterFactory, Meter, "pico.gateway.up");
        using var state = new MetricCollector<int>(MeterFactory, Meter, "pico.gateway.state");
        await using var fixture = new ManagerFixture(meterFactory: MeterFactory);

        up.RecordObservableInstruments();
        Assert.Equal(0, up.LastMeasurement!.Value);
        await fixture.StartRunningAsync();
        up.RecordObservableInstruments();
        state.RecordObservableInstruments();

        Assert.Equal(1, up.LastMeasurement!.Value);
        var current = state.GetMeasurementSnapshot().TakeLast(6).ToDictionary(m => (string)m.Tags["state"]!, m => m.Value);
        Assert.Equal(1, current["running"]);
        Assert.Equal(5, current.Count(pair => pair.Value == 0));
    }

    [Fact]
    public async Task Captured_lines_are_counted_by_stream()
    {
        using var lines = new MetricCollector<long>(MeterFactory, Meter, "pico.gateway.log.lines");
        await using var fixture = new ManagerFixture(meterFactory: MeterFactory);
        await fixture.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);

        fixture.Launcher.Last.WriteLine(GatewayLogStream.StandardOutput, "a");
        fixture.Launcher.Last.WriteLine(GatewayLogStream.StandardOutput, "b");
        fixture.Launcher.Last.WriteLine(GatewayLogStream.StandardError, "c");
        lines.RecordObservableInstruments();

        var byStream = lines.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags["stream"]!, m => m.Value);
        Assert.Equal(2, byStream["stdout"]);
        Assert.Equal(1, byStream["stderr"]);
    }

    [Fact]
    public async Task Probe_durations_are_recorded_with_their_outcome()
    {
        using var durations = new MetricCollector<double>(MeterFactory, Meter, "pico.gateway.health.probe.duration");
        await using var fixture = new ManagerFixture(meterFactory: MeterFactory);

        await fixture.StartRunningAsync();

        var measurement = durations.GetMeasurementSnapshot()[^1];
        Assert.Equal("healthy", measurement.Tags["outcome"]);
        Assert.True(measurement.Value >= 0);
    }

    [Fact]
    public async Task Start_stop_and_restart_are_traced()
    {
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Meter,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (activities)
                {
                    activities.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var fixture = new ManagerFixture();
        fixture.Probe.Answer = HealthProbeResult.Healthy();
        var traceId = ActivityTraceId.CreateRandom();
        using (new Activity("test").SetParentId(traceId, ActivitySpanId.CreateRandom()).Start())
        {
            var started = await fixture.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
            await fixture.Manager.RestartAsync().WaitAsync(TestTimeouts.Wait);
            var stop = await fixture.Manager.StopAsync().WaitAsync(TestTimeouts.Wait);
            await stop.Exited.WaitAsync(TestTimeouts.Wait);
        }

        List<Activity> ours;
        lock (activities)
        {
            ours = [.. activities.Where(a => a.TraceId == traceId)];
        }

        Assert.Equal(["gateway.start", "gateway.restart", "gateway.stop"], ours.Select(a => a.OperationName));
        Assert.Equal("started", ours[0].GetTagItem("gateway.start.outcome"));
        Assert.Equal(fixture.Launcher.Started[0].Id, ours[0].GetTagItem("process.pid"));
        Assert.Equal("stopping", ours[2].GetTagItem("gateway.stop.outcome"));
    }

    public void Dispose() => _services.Dispose();
}
