using System.Globalization;
using Pico.Gateway.Management.Benchmarks.Infrastructure;
using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Supervision;
using Pico.Gateway.Management.Health;
using Pico.Gateway.Management.Conditions;

namespace Pico.Gateway.Management.Benchmarks.Scenarios;

/// <summary>
/// The library as a host uses it, constructed directly (like the integration tests' RealGateway): the real process layer,
/// the real HTTP probe, default timings except the restart policy (Never, so a kill ends in <c>stopped</c> as under the peers).
/// </summary>
internal sealed class OursHarness : IAsyncDisposable
{
    private readonly HttpHealthProbe _probe = new();
    private readonly IDisposable _subscription;

    public OursHarness(string directory, string[] arguments, IEnumerable<ILogSink>? sinks = null, Action<GatewayOptions>? configure = null)
    {
        Stamps = new StampFile(Path.Combine(directory, $"stamps-{Guid.NewGuid():N}.txt"));
        Port = FreePort.Next();
        Options = new GatewayOptions
        {
            ExecutablePath = Paths.Child,
            HealthCheckUrl = $"http://127.0.0.1:{Port}/health",
            RestartPolicy = GatewayRestartPolicy.Never,
        };
        foreach (var argument in arguments)
        {
            Options.Arguments.Add(argument.Replace("{port}", Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        Options.Arguments.Add("--stamps");
        Options.Arguments.Add(Stamps.Path);
        if (Environment.GetEnvironmentVariable("PICO_BENCH_CONTAINMENT") is { Length: > 0 } containment)
        {
            // Compares containment modes in one build: Cgroup (the default here, as root), Tracked, ProcessGroup.
            Options.Containment = Enum.Parse<GatewayContainmentMode>(containment);
        }

        if (Environment.GetEnvironmentVariable("PICO_BENCH_SPOOL") == "1")
        {
            // Output through the spool files re-attach uses (Linux) instead of pipes: a pid file turns them on.
            Options.PidFilePath = Path.Combine(directory, $"gateway-{Guid.NewGuid():N}.pid");
        }

        configure?.Invoke(Options);
        Logs = new GatewayLogBuffer(Options.LogCapacity);
        Manager = new GatewayManager(
            Microsoft.Extensions.Options.Options.DefaultName,
            new Pico.Gateway.Management.Configuration.FixedOptionsMonitor(Options),
            Logs,
            sinks ?? [],
            _probe,
            [],
            new NoConfigurationFingerprint(),
            Launcher,
            TimeProvider.System);
        _subscription = Manager.Events.Subscribe(Events);
    }

    public GatewayOptions Options { get; }

    /// <summary>Gets the real process layer, timed: <see cref="TimingLauncher.LastStartMs"/> is the last start's own spawn.</summary>
    public TimingLauncher Launcher { get; } = new(new UnixProcessLauncher());

    public int Port { get; }

    public StampFile Stamps { get; }

    public GatewayLogBuffer Logs { get; }

    public GatewayManager Manager { get; }

    public EventWatcher Events { get; } = new();

    /// <summary>Gets when the last <see cref="StartRunningAsync"/>'s StartAsync returned (CLOCK_MONOTONIC ns).</summary>
    public long LastStartAnswered { get; private set; }

    public static OursHarness Healthy(string directory) => new(directory, ["healthy", "--port", "{port}"]);

    /// <summary>Starts the gateway and waits for its running event: the pid, the start request's stamp and the event's stamp.</summary>
    public async Task<(int Pid, long Requested, long Running)> StartRunningAsync()
    {
        var sequence = Manager.Current.Sequence;
        var requested = Clock.Now();
        var started = await Manager.StartAsync();
        LastStartAnswered = Clock.Now();
        var pid = started.ProcessId ?? throw new InvalidOperationException($"start failed: {started.Outcome} {started.Message}");
        var (_, running) = await Events.WaitAsync(sequence, e => e.Status == GatewayStatus.Running && e.ProcessId == pid);
        return (pid, requested, running);
    }

    public async Task StopAsync()
    {
        var stop = await Manager.StopAsync();
        await stop.Exited.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        await Manager.DisposeAsync();
        _subscription.Dispose();
        _probe.Dispose();
    }
}
