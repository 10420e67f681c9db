using System.Text.Json;

namespace Pico.Gateway.Management;

/// <summary>The result of one health probe.</summary>
public sealed record HealthProbeResult
{
    private static readonly HealthProbeResult HealthyWithoutDetails = new() { Outcome = HealthProbeOutcome.Healthy };

    /// <summary>Gets what the probe found.</summary>
    public required HealthProbeOutcome Outcome { get; init; }

    /// <summary>Gets the HTTP status code (or another protocol's equivalent) the gateway answered with, when it answered.</summary>
    public int? StatusCode { get; init; }

    /// <summary>Gets the fields of a healthy answer, published as <see cref="GatewayEvent.HealthDetails"/>.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Details { get; init; }

    /// <summary>
    /// Gets the body of a healthy answer that is not a JSON object (ASP.NET Core's <c>Healthy</c>, say), published as
    /// <see cref="GatewayEvent.HealthText"/>; at most 1 KiB of it.
    /// </summary>
    public string? Text { get; init; }

    /// <summary>Gets a human-readable explanation of an unhealthy or unreachable result.</summary>
    public string? Description { get; init; }

    /// <summary>
    /// Gets a value indicating whether the answer can never become healthy as it stands (a strict probe answered with a content type
    /// that is not JSON): a starting gateway is then reported in <see cref="GatewayStatus.Error"/> at once instead of at its deadline.
    /// </summary>
    public bool CannotBecomeHealthy { get; init; }

    /// <summary>
    /// Gets the address the built-in HTTP probe asked when it got a healthy answer (a probe that wraps it may have changed the
    /// context's), so that the monitor can check whose socket answered; null from any other probe, whose answers are not checked.
    /// </summary>
    internal Uri? AnsweredUrl { get; init; }

    /// <summary>The gateway is healthy.</summary>
    /// <param name="details">Fields describing it, if any.</param>
    /// <returns>The result.</returns>
    public static HealthProbeResult Healthy(IReadOnlyDictionary<string, JsonElement>? details = null) =>
        details is null ? HealthyWithoutDetails : new() { Outcome = HealthProbeOutcome.Healthy, Details = details, StatusCode = 200 };

    /// <summary>The gateway answered, but not healthy.</summary>
    /// <param name="statusCode">The status code it answered with.</param>
    /// <param name="description">Why it counts as unhealthy.</param>
    /// <returns>The result.</returns>
    public static HealthProbeResult Unhealthy(int statusCode, string? description = null) =>
        new() { Outcome = HealthProbeOutcome.Unhealthy, StatusCode = statusCode, Description = description ?? $"health check answered {statusCode}" };

    /// <summary>The gateway did not answer.</summary>
    /// <param name="description">What happened.</param>
    /// <returns>The result.</returns>
    public static HealthProbeResult Unreachable(string description) =>
        new() { Outcome = HealthProbeOutcome.Unreachable, Description = description };
}
