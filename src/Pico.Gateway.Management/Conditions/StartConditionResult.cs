namespace Pico.Gateway.Management;

/// <summary>The answer of a start condition.</summary>
/// <param name="IsReady">Whether the gateway may start.</param>
/// <param name="Reason">Why not, when not ready.</param>
public readonly record struct StartConditionResult(bool IsReady, string? Reason)
{
    /// <summary>Gets the ready answer.</summary>
    public static StartConditionResult Ready => new(true, null);

    /// <summary>The gateway must not start.</summary>
    /// <param name="reason">Why, in words a user can act on (shown as <c>gateway_start_reason</c>).</param>
    /// <returns>The result.</returns>
    public static StartConditionResult NotReady(string reason) => new(false, reason);
}
