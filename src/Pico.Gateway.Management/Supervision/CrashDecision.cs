namespace Pico.Gateway.Management.Supervision;

/// <summary>What follows an exit nobody asked for.</summary>
internal enum CrashDecisionKind
{
    /// <summary>The policy does not restart it: the gateway stays stopped.</summary>
    StayDown,

    /// <summary>Too many exits in the window: no more automatic restarts.</summary>
    CrashLoop,

    /// <summary>Restart it after <see cref="CrashDecision.Delay"/>.</summary>
    Restart,
}

/// <param name="Kind">What to do.</param>
/// <param name="LastError">What the snapshot reports as the last failure (null for a clean exit that stays down).</param>
/// <param name="Attempt">The number of this restart in the current backoff sequence.</param>
/// <param name="Delay">How long to wait before it.</param>
internal readonly record struct CrashDecision(CrashDecisionKind Kind, string? LastError, int Attempt = 0, TimeSpan Delay = default);
