namespace Pico.Gateway.Management;

/// <summary>What the manager does when the gateway exits without being asked to.</summary>
public enum GatewayRestartPolicy
{
    /// <summary>Never restart: the status becomes <see cref="GatewayStatus.Stopped"/> with the exit in <see cref="GatewayEvent.LastError"/> (what picoclaw's own launcher does).</summary>
    Never = 0,

    /// <summary>Restart after a failure: a non-zero exit code, a signal, or an exit whose status is unknown (an adopted gateway). A clean exit (code 0) is respected.</summary>
    OnFailure = 1,

    /// <summary>Restart after any exit the manager did not ask for, including a clean one.</summary>
    Always = 2,
}
