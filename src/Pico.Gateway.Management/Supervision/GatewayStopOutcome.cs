namespace Pico.Gateway.Management;

/// <summary>What a stop request did.</summary>
public enum GatewayStopOutcome
{
    /// <summary>A termination signal was sent to the live process; <see cref="GatewayStopResult.Exited"/> completes when it has exited.</summary>
    Stopping = 0,

    /// <summary>No gateway process was alive.</summary>
    NotRunning = 1,

    /// <summary>This host may not act on the gateway (another live host owns it); <see cref="GatewayStopResult.Message"/> says who.</summary>
    Refused = 2,
}
