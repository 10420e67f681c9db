using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Pico.Gateway.Management.Diagnostics;

/// <summary>
/// The manager's metrics and traces. Instruments are named in dotted lower case with units (OpenTelemetry conventions);
/// the meter and the activity source are both named <see cref="Name"/>. A named gateway's meter carries the tag
/// <c>gateway.name</c> (an instrumentation-scope attribute in OpenTelemetry), so several gateways in one host stay apart.
/// </summary>
internal sealed class GatewayTelemetry : IDisposable
{
    public const string Name = "Pico.Gateway.Management";

    public static readonly ActivitySource ActivitySource = new(Name, typeof(GatewayTelemetry).Assembly.GetName().Version?.ToString());

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _starts;
    private readonly Counter<long> _restarts;
    private readonly Counter<long> _exits;
    private readonly Histogram<double> _probeDuration;
    private long _stdoutLines;
    private long _stderrLines;

    public GatewayTelemetry(IMeterFactory? meterFactory, string? gatewayName, Func<GatewayEvent> current)
    {
        var options = new MeterOptions(Name) { Tags = gatewayName is null ? null : [new("gateway.name", gatewayName)] };
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(options) ?? new Meter(options);

        _starts = _meter.CreateCounter<long>("pico.gateway.starts", "{start}", "Gateway processes spawned, by reason: start, restart or crash_restart.");
        _restarts = _meter.CreateCounter<long>("pico.gateway.restarts", "{restart}", "Restarts, by kind: requested or crash.");
        _exits = _meter.CreateCounter<long>("pico.gateway.exits", "{exit}", "Gateway exits, by reason: requested, crash or clean (an unrequested exit with code 0).");
        _probeDuration = _meter.CreateHistogram<double>(
            "pico.gateway.health.probe.duration",
            "s",
            "Duration of health probes, by outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
        _meter.CreateObservableGauge("pico.gateway.up", () => current().Status == GatewayStatus.Running ? 1 : 0, "{gateway}", "1 while the gateway is running and healthy, else 0.");
        _meter.CreateObservableGauge("pico.gateway.state", () => ObserveStates(current().Status), "{gateway}", "1 for the gateway's current state, 0 for the others (tag: state).");
        _meter.CreateObservableCounter("pico.gateway.log.lines", ObserveLines, "{line}", "Lines captured from the gateway's stdout and stderr (tag: stream).");
    }

    /// <summary>Tags a start or restart span with its outcome; a refusal or failure marks the span as an error.</summary>
    public static void Trace(Activity? activity, GatewayStartResult result)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("gateway.start.outcome", result.Outcome switch
        {
            GatewayStartOutcome.Started => "started",
            GatewayStartOutcome.AlreadyRunning => "already_running",
            GatewayStartOutcome.PreconditionFailed => "precondition_failed",
            _ => "failed",
        });
        activity.SetTag("process.pid", result.ProcessId);
        if (result.Outcome is GatewayStartOutcome.Failed or GatewayStartOutcome.PreconditionFailed)
        {
            activity.SetStatus(ActivityStatusCode.Error, result.Message);
        }
    }

    public void Started(string reason) => _starts.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Restarted(string kind) => _restarts.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void Exited(string reason) => _exits.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void ProbeCompleted(TimeSpan duration, HealthProbeOutcome outcome) =>
        _probeDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", OutcomeTag(outcome)));

    /// <summary>The log hot path: a plain interlocked increment, read only when a collector observes the counter.</summary>
    public void LineCaptured(GatewayLogStream stream)
    {
        if (stream == GatewayLogStream.StandardError)
        {
            Interlocked.Increment(ref _stderrLines);
        }
        else
        {
            Interlocked.Increment(ref _stdoutLines);
        }
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private static string OutcomeTag(HealthProbeOutcome outcome) => outcome switch
    {
        HealthProbeOutcome.Healthy => "healthy",
        HealthProbeOutcome.Unhealthy => "unhealthy",
        _ => "unreachable",
    };

    private static IEnumerable<Measurement<int>> ObserveStates(GatewayStatus status)
    {
        foreach (var state in Enum.GetValues<GatewayStatus>())
        {
            yield return new Measurement<int>(state == status ? 1 : 0, new KeyValuePair<string, object?>("state", state.ToJsonName()));
        }
    }

    private IEnumerable<Measurement<long>> ObserveLines() =>
    [
        new(Volatile.Read(ref _stdoutLines), new KeyValuePair<string, object?>("stream", "stdout")),
        new(Volatile.Read(ref _stderrLines), new KeyValuePair<string, object?>("stream", "stderr")),
    ];
}
