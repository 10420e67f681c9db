namespace Pico.Gateway.Management;

/// <summary>A precondition checked before every start and restart, and on the manager's periodic condition ticks.</summary>
/// <remarks>
/// Several may be registered; they are checked in registration order and the first not-ready one gives the reason.
/// A condition that throws counts as not ready with the exception's message. A start or restart always evaluates every
/// condition afresh; <see cref="IGatewayManager.Current"/> shows the result of the last evaluation and never runs one.
/// </remarks>
public interface IGatewayStartCondition
{
    /// <summary>Checks the condition.</summary>
    /// <param name="cancellationToken">Cancelled when the manager no longer needs the answer.</param>
    /// <returns>Ready, or not ready with a reason.</returns>
    ValueTask<StartConditionResult> CheckAsync(CancellationToken cancellationToken);
}
