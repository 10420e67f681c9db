namespace Pico.Gateway.Management;

/// <summary>Who started the tracked gateway, and so what this host may do with it.</summary>
/// <remarks>The JSON spelling used by the HTTP surface is the lower-case name (<c>owned</c>, <c>external</c>).</remarks>
public enum GatewayOwnership
{
    /// <summary>This host spawned the gateway, or re-attached to one it (or an earlier host with its pid file) spawned; or none is tracked.</summary>
    Owned = 0,

    /// <summary>
    /// An <see cref="IGatewayLocator"/> found a gateway started elsewhere (a CLI, systemd): it is health-checked and reported, its
    /// output is not captured, it is never stopped when the host exits, and stop and restart are refused unless
    /// <see cref="ExternalGatewayOptions.AllowControl"/> is set.
    /// </summary>
    External = 1,
}
