using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Supervision;
using Pico.Gateway.Management.Health;
using Pico.Gateway.Management.Conditions;

namespace Pico.Gateway.Management.Tests.Testing;

/// <summary>
/// A manager over the real process layer and the real HTTP probe, launching the test child on an OS-assigned loopback port.
/// Every child carries a per-test marker in its environment; disposal asserts that no process carrying it is still alive.
/// </summary>
internal sealed class RealGateway : IAsyncDisposable
{
    private readonly HttpHealthProbe _probe = new();

    public RealGateway(string mode, string[]? extraArguments = null, TimeProvider? time = null, Action<GatewayOptions>? configure = null, int? port = null, string? marker = null, IEnumerable<ILogSink>? sinks = null, IGatewayProcessLauncher? launcher = null)
    {
        Port = port ?? FreePort.Next();
        Marker = marker ?? "pico-test-" + Guid.NewGuid().ToString("N");
        Options = new GatewayOptions
        {
            ExecutablePath = TestChild.ExecutablePath,
            HealthCheckUrl = $"http://127.0.0.1:{Port}/health",
            RestartPolicy = GatewayRestartPolicy.Never,
        };
        Options.Arguments.Add(mode);
        if (mode is "healthy" or "ignore-term" or "grandchild" or "escapee")
        {
            Options.Arguments.Add("--port");
            Options.Arguments.Add(Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var argument in extraArguments ?? [])
        {
            Options.Arguments.Add(argument);
        }

        Options.Environment["PICO_GATEWAY_TEST_MARKER"] = Marker;
        configure?.Invoke(Options);
        Logs = new GatewayLogBuffer(Options.LogCapacity);
        Manager = new GatewayManager(
            Microsoft.Extensions.Options.Options.DefaultName,
            new Pico.Gateway.Management.Configuration.FixedOptionsMonitor(Options),
            Logs,
            [Lines, .. sinks ?? []],
            _probe,
            [],
            new NoConfigurationFingerprint(),
            launcher ?? new UnixProcessLauncher(),
            time ?? TimeProvider.System);
        // Supervision (re-attach included) begins before the recorder subscribes, as a hosted service would begin it.
        _ = Manager.StartSupervisionAsync();
        Recorder = new EventRecorder(Manager, time is TrackingTimeProvider tracking ? tracking.Pulse : null);
    }

    public string Marker { get; }

    public int Port { get; }

    public GatewayOptions Options { get; }

    public GatewayLogBuffer Logs { get; }

    public LineWaiter Lines { get; } = new();

    public GatewayManager Manager { get; }

    public EventRecorder Recorder { get; }

    public async ValueTask DisposeAsync()
    {
        await Manager.DisposeAsync().WaitAsync(Options.StopTimeout + Options.KillTimeout + TestTimeouts.Wait);
        Recorder.Dispose();
        _probe.Dispose();
        Assert.Empty(ProcessTable.LiveProcessesWithMarker(Marker));
    }
}
