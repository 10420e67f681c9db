namespace Pico.Gateway.Management.AotSmoke;

/// <summary>Healthy once the current process printed its ready line: for a gateway that serves no HTTP health endpoint.</summary>
internal sealed class ReadyLineProbe(ReadyLineSignal signal) : IHealthProbe
{
    public ValueTask<HealthProbeResult> ProbeAsync(HealthProbeContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(signal.IsReady ? HealthProbeResult.Healthy() : HealthProbeResult.Unreachable("no ready line on stdout yet"));
}
