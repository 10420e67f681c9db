using System.Text;
using BenchmarkDotNet.Attributes;
using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Supervision;
using Pico.Gateway.Management.Conditions;
using Pico.Gateway.Management.Health;

namespace Pico.Gateway.Management.Benchmarks.Micro;

/// <summary>
/// Scenarios 5 and 8 in process: one 60 KB read of short lines ("line 100000\n"...) pushed through the splitter alone, and
/// through the whole capture path (splitter → manager → ring buffer). Reported per line; the only allocation should be the
/// line's string (48 B for 11 characters).
/// </summary>
public class LineCaptureBenchmarks
{
    private const int LinesPerChunk = 5000;

    private byte[] _chunk = null!;
    private LineSplitter _splitter = null!;
    private LineSplitter _captured = null!;
    private GatewayManager _manager = null!;

    [GlobalSetup]
    public void Setup()
    {
        var text = new StringBuilder();
        for (var i = 0; i < LinesPerChunk; i++)
        {
            text.Append("line ").Append(100_000 + i).Append('\n');
        }

        _chunk = Encoding.ASCII.GetBytes(text.ToString());
        _splitter = new LineSplitter(GatewayLogStream.StandardOutput, 64 * 1024, new DiscardingHandler(), 64 * 1024);
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
        _captured = new LineSplitter(GatewayLogStream.StandardOutput, 64 * 1024, _manager, 64 * 1024);
    }

    [GlobalCleanup]
    public void Cleanup() => _manager.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = LinesPerChunk)]
    public void SplitLine() => _splitter.Push(_chunk);

    [Benchmark(OperationsPerInvoke = LinesPerChunk)]
    public void CaptureLine() => _captured.Push(_chunk);

    private sealed class DiscardingHandler : IGatewayOutputHandler
    {
        public string? Last { get; private set; }

        public void OnLine(GatewayLogStream stream, string text) => Last = text;
    }
}
