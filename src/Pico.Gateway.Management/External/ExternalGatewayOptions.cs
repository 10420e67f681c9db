namespace Pico.Gateway.Management;

/// <summary>What the host may do with a gateway an <see cref="IGatewayLocator"/> found started elsewhere; bound from <c>Gateway:External</c>.</summary>
public sealed class ExternalGatewayOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether stop and restart act on an external gateway (SIGTERM to its pid, then SIGKILL after
    /// <see cref="GatewayOptions.StopTimeout"/>; a restart then spawns this host's own). Even so it is never stopped when the host exits.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: they answer <see cref="GatewayStopOutcome.Refused"/> / <see cref="GatewayStartOutcome.Refused"/>.</value>
    public bool AllowControl { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the host starts its own gateway when the external one goes away, as
    /// <see cref="GatewayOptions.AutoStart"/> would: start conditions checked, a start that fails logged and reported in the state.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: the state becomes <see cref="GatewayStatus.Stopped"/> and stays so.</value>
    public bool StartWhenGone { get; set; }
}
