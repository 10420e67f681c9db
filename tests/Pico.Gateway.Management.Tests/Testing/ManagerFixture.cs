using Pico.Gateway.Management.Supervision;

namespace Pico.Gateway.Management.Tests.Testing;

/// <summary>A manager wired to a fake process layer, a fake probe and a fake clock.</summary>
internal sealed class ManagerFixture : IAsyncDisposable
{
    public ManagerFixture(
        Action<GatewayOptions>? configure = null, IEnumerable<ILogSink>? sinks = null, System.Diagnostics.Metrics.IMeterFactory? meterFactory = null, IGatewayLocator? locator = null)
    {
        // The seed's behaviour unless a test opts into crash restarts, so every state-table row is visible on its own.
        Options = new GatewayOptions { ExecutablePath = "/opt/gateway/picoclaw", RestartPolicy = GatewayRestartPolicy.Never };
        Options.Arguments.Add("gateway");
        configure?.Invoke(Options);
        Logs = new GatewayLogBuffer(Options.LogCapacity);
        OptionsMonitor = new ChangeableOptionsMonitor(Options);
        Manager = new GatewayManager(
            Microsoft.Extensions.Options.Options.DefaultName,
            OptionsMonitor,
            Logs,
            sinks ?? [],
            Probe,
            [Condition],
            Fingerprint,
            Launcher,
            Time,
            meterFactory: meterFactory,
            locator: locator);
        Recorder = new EventRecorder(Manager, Time.Pulse);
        _ = Manager.StartSupervisionAsync();
        Probe.Called = Time.Pulse;
    }

    public GatewayOptions Options { get; }

    /// <summary>Gets the options as the manager reads them: <see cref="ChangeableOptionsMonitor.Set"/> changes them for the next read.</summary>
    public ChangeableOptionsMonitor OptionsMonitor { get; }

    public TrackingTimeProvider Time { get; } = new();

    public FakeProcessLauncher Launcher { get; } = new();

    public FakeHealthProbe Probe { get; } = new();

    public FakeStartCondition Condition { get; } = new();

    public FakeFingerprint Fingerprint { get; } = new();

    public GatewayLogBuffer Logs { get; }

    public GatewayManager Manager { get; }

    public EventRecorder Recorder { get; }

    /// <summary>Starts a gateway that answers healthy at once and waits for it to be running.</summary>
    public async Task<FakeProcess> StartRunningAsync()
    {
        Probe.Answer = HealthProbeResult.Healthy();
        var result = await Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        Assert.Equal(GatewayStartOutcome.Started, result.Outcome);
        await Recorder.WaitForAsync(e => e.Status == GatewayStatus.Running && e.ProcessId == result.ProcessId);
        return Launcher.Last;
    }

    public async ValueTask DisposeAsync()
    {
        await Manager.DisposeAsync().AsTask().WaitAsync(Options.StopTimeout + Options.KillTimeout + TestTimeouts.Wait);
        Recorder.Dispose();
    }
}
