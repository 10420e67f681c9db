using BenchmarkDotNet.Attributes;

namespace Pico.Gateway.Management.Benchmarks.Micro;

/// <summary>The default sink: one line into the 200-line ring buffer, and a client's incremental read of it.</summary>
public class LogBufferBenchmarks
{
    private readonly GatewayLogBuffer _buffer = new(200);
    private readonly GatewayLogLine _line = new(1, DateTimeOffset.UnixEpoch, GatewayLogStream.StandardOutput, "line 100000");

    [GlobalSetup]
    public void Setup()
    {
        _buffer.Clear();
        for (var i = 0; i < 400; i++)
        {
            _buffer.Write(_line);
        }
    }

    [Benchmark]
    public void Write() => _buffer.Write(_line);

    [Benchmark]
    public GatewayLogPage ReadLastTen() => _buffer.Read(_buffer.Total - 10, _buffer.RunId);
}
