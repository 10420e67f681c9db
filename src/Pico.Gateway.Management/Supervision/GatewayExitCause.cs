namespace Pico.Gateway.Management.Supervision;

/// <summary>Why a tracked process is going away, as far as the manager knows.</summary>
internal enum GatewayExitCause
{
    /// <summary>Nobody asked: the crash-restart policy decides what follows.</summary>
    None,

    /// <summary>A stop (or disposal) asked for it.</summary>
    Stop,

    /// <summary>A restart asked for it; the replacement follows.</summary>
    Restart,
}
