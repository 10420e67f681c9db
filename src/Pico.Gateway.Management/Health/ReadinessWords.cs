namespace Pico.Gateway.Management.Health;

/// <summary>A probe outcome in the few words a dashboard shows while the gateway starts: <c>connection refused</c>, <c>HTTP 503</c>.</summary>
internal static class ReadinessWords
{
    private const string Prefix = "health check ";

    public static string Of(HealthProbeResult result) => result switch
    {
        { Outcome: HealthProbeOutcome.Healthy } => "healthy",
        { Outcome: HealthProbeOutcome.Unhealthy, StatusCode: int code } when result.Description == $"{Prefix}answered {code}" => $"HTTP {code}",
        { Description: { Length: > 0 } description } => description.StartsWith(Prefix, StringComparison.Ordinal) ? description[Prefix.Length..] : description,
        { Outcome: HealthProbeOutcome.Unhealthy, StatusCode: int code } => $"HTTP {code}",
        _ => result.Outcome == HealthProbeOutcome.Unreachable ? "no answer" : "not ready",
    };
}
