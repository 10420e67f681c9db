using BenchmarkDotNet.Attributes;
using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Supervision;
using Pico.Gateway.Management.Conditions;
using Pico.Gateway.Management.Health;

namespace Pico.Gateway.Management.Benchmarks.Micro;

/// <summary>Scenario 6 in process: a status read is one volatile read of the immutable snapshot.</summary>
public class StatusReadBenchmarks
{
    private GatewayManager _manager = null!;
    private IGatewayManager _asInterface = null!;

    [GlobalSetup]
    public void Setup()
    {
        _manager = new GatewayManager(
            Microsoft.Extensions.Options.Options.DefaultName,
            new Pico.Gateway.Management.Configuration.FixedOptionsMonitor(new GatewayOptions { ExecutablePath = "/bin/true" }),
            new GatewayLogBuffer(200),
            [],
            new HttpHealthProbe(),
            [],
            new NoConfigurationFingerprint(),
            new UnixProcessLauncher(),
            TimeProvider.System);
        _asInterface = _manager;
    }

    [GlobalCleanup]
    public void Cleanup() => _manager.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public GatewayEvent Current() => _asInterface.Current;

    [Benchmark]
    public GatewayStatus CurrentStatus() => _asInterface.Current.Status;
}
