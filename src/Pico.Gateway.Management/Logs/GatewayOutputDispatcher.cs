using Microsoft.Extensions.Logging;
using Pico.Gateway.Management.Diagnostics;
using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Logs;

/// <summary>
/// Numbers and stamps every captured line and hands it to each sink in turn. A sink is user code: one that throws is logged
/// once and the others still get the line, since a stalled capture would fill the pipe and block the gateway.
/// </summary>
internal sealed class GatewayOutputDispatcher : IGatewayOutputHandler
{
    private readonly ILogSink[] _sinks;
    private readonly bool[] _failureLogged;
    private readonly TimeProvider _time;
    private readonly GatewayTelemetry _telemetry;
    private readonly ILogger _logger;
    private readonly StderrTail _stderrTail = new();
    private long _sequence;
    private Action<GatewayLogStream, string>? _lineObserver;

    public GatewayOutputDispatcher(GatewayLogBuffer buffer, IEnumerable<ILogSink> sinks, TimeProvider time, GatewayTelemetry telemetry, ILogger logger)
    {
        _sinks = [buffer, .. sinks.Where(sink => !ReferenceEquals(sink, buffer))];
        _failureLogged = new bool[_sinks.Length];
        _time = time;
        _telemetry = telemetry;
        _logger = logger;
    }

    /// <summary>Gets the current run's last stderr lines, named by an exit nobody asked for.</summary>
    public StderrTail StderrTail => _stderrTail;

    /// <summary>Sets what sees each line of the current run before the sinks (a readiness line pattern), or null.</summary>
    public void ObserveLines(Action<GatewayLogStream, string>? observer) => Volatile.Write(ref _lineObserver, observer);

    public void OnLine(GatewayLogStream stream, string text)
    {
        if (stream == GatewayLogStream.StandardError)
        {
            _stderrTail.Add(text);
        }

        Volatile.Read(ref _lineObserver)?.Invoke(stream, text);
        var line = new GatewayLogLine(Interlocked.Increment(ref _sequence), _time.GetUtcNow(), stream, text);
        _telemetry.LineCaptured(stream);
        for (var i = 0; i < _sinks.Length; i++)
        {
            try
            {
                _sinks[i].Write(line);
            }
#pragma warning disable CA1031 // A sink is user code: its failure must not stop capture (the pipe would fill and block the gateway).
            catch (Exception ex)
#pragma warning restore CA1031
            {
                if (!_failureLogged[i])
                {
                    _failureLogged[i] = true;
                    Log.LogSinkFailed(_logger, _sinks[i].GetType().Name, ex);
                }
            }
        }
    }

    /// <summary>Tells every sink that a new run begins (the ring buffer empties, the file sink writes a marker).</summary>
    public void OnProcessStarting()
    {
        _stderrTail.Clear();
        foreach (var sink in _sinks)
        {
            try
            {
                sink.OnProcessStarting();
            }
#pragma warning disable CA1031 // A sink is user code: its failure must not prevent the start.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.LogSinkFailed(_logger, sink.GetType().Name, ex);
            }
        }
    }
}
