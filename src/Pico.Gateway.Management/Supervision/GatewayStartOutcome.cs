namespace Pico.Gateway.Management;

/// <summary>What a start or restart request did.</summary>
public enum GatewayStartOutcome
{
    /// <summary>A new gateway process was spawned; <see cref="GatewayStartResult.ProcessId"/> is its pid.</summary>
    Started = 0,

    /// <summary>A gateway process is already alive (start only); <see cref="GatewayStartResult.ProcessId"/> is its pid.</summary>
    AlreadyRunning = 1,

    /// <summary>A start condition was not ready; nothing was spawned or stopped. <see cref="GatewayStartResult.Message"/> is its reason.</summary>
    PreconditionFailed = 2,

    /// <summary>The request failed; <see cref="GatewayStartResult.Message"/> says why.</summary>
    Failed = 3,

    /// <summary>This host may not act on the gateway (another live host owns it); <see cref="GatewayStartResult.Message"/> says who.</summary>
    Refused = 4,
}
