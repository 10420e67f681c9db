using Pico.Gateway.Management.Conditions;
using Pico.Gateway.Management.Configuration;
using Pico.Gateway.Management.Supervision;
using Pico.Gateway.Management.Tests.Testing;

namespace Pico.Gateway.Management.Tests.Health;

/// <summary>
/// On the system clock a starting run is probed from a thread kept for startup probes, never the pool's (so the default probe asks
/// blocking over a kept loopback connection, and the waits between probes are exact rather than the runtime timers' 4 ms jiffies);
/// the next start reuses it, and disposing the manager ends it. A fake process layer, the real clock: the waits here are on
/// events, not on time.
/// </summary>
public sealed class StartupProbeThreadTests
{
    [Fact]
    public async Task Startup_probes_run_on_one_kept_thread_that_ends_with_the_manager()
    {
        var probe = new ThreadRecordingProbe(unansweredFirst: 3);
        var options = new GatewayOptions
        {
            ExecutablePath = "/opt/gateway/picoclaw",
            RestartPolicy = GatewayRestartPolicy.Never,
            StartupProbeInterval = TimeSpan.FromMilliseconds(1),
        };
        var manager = new GatewayManager(
            Microsoft.Extensions.Options.Options.DefaultName,
            new FixedOptionsMonitor(options),
            new GatewayLogBuffer(options.LogCapacity),
            [],
            probe,
            [],
            new NoConfigurationFingerprint(),
            new FakeProcessLauncher(),
            TimeProvider.System);
        using var recorder = new EventRecorder(manager);
        _ = manager.StartSupervisionAsync();

        IReadOnlyList<(Thread Thread, bool Pool)> calls;
        try
        {
            var first = await manager.StartAsync().WaitAsync(TestTimeouts.Wait);
            await recorder.WaitForAsync(e => e.Status == GatewayStatus.Running && e.ProcessId == first.ProcessId);
            await (await manager.StopAsync()).Exited.WaitAsync(TestTimeouts.Wait);
            var second = await manager.StartAsync().WaitAsync(TestTimeouts.Wait);
            await recorder.WaitForAsync(e => e.Status == GatewayStatus.Running && e.ProcessId == second.ProcessId);
            calls = probe.StartupCalls;
        }
        finally
        {
            await manager.DisposeAsync();
        }

        // Three refused, then healthy; then the second start is healthy at its first probe.
        Assert.Equal(5, calls.Count);
        Assert.All(calls, call => Assert.Equal(("gateway startup probes", false), (call.Thread.Name, call.Pool)));
        Assert.Single(calls.Select(call => call.Thread).Distinct());
        Assert.True(calls[0].Thread.Join(TestTimeouts.Wait), "the startup probe thread outlived the manager");
    }

    /// <summary>Unreachable for the first few startup probes, then healthy; records the thread of each startup probe.</summary>
    private sealed class ThreadRecordingProbe(int unansweredFirst) : IHealthProbe
    {
        private readonly List<(Thread Thread, bool Pool)> _startupCalls = [];

        public IReadOnlyList<(Thread Thread, bool Pool)> StartupCalls
        {
            get
            {
                lock (_startupCalls)
                {
                    return [.. _startupCalls];
                }
            }
        }

        public ValueTask<HealthProbeResult> ProbeAsync(HealthProbeContext context, CancellationToken cancellationToken)
        {
            if (context.Status != GatewayStatus.Starting)
            {
                return ValueTask.FromResult(HealthProbeResult.Healthy());
            }

            lock (_startupCalls)
            {
                _startupCalls.Add((Thread.CurrentThread, Thread.CurrentThread.IsThreadPoolThread));
                return ValueTask.FromResult(_startupCalls.Count > unansweredFirst ? HealthProbeResult.Healthy() : HealthProbeResult.Unreachable("connection refused"));
            }
        }
    }
}
