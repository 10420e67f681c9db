namespace Pico.Gateway.Management;

/// <summary>The lifecycle state of the managed gateway.</summary>
/// <remarks>The JSON spelling used by the HTTP surface is the lower-case name (<c>stopped</c>, <c>starting</c>, ...).</remarks>
public enum GatewayStatus
{
    /// <summary>No gateway process is running.</summary>
    Stopped = 0,

    /// <summary>A gateway process was spawned and has not yet answered a healthy probe.</summary>
    Starting = 1,

    /// <summary>The gateway process is alive and answered a healthy probe.</summary>
    Running = 2,

    /// <summary>The gateway is being replaced, or a crash restart is pending.</summary>
    Restarting = 3,

    /// <summary>A stop was requested and the process has not exited yet.</summary>
    Stopping = 4,

    /// <summary>Something went wrong: spawn failure, startup timeout, unhealthy answer or a crash loop. See <see cref="GatewayEvent.LastError"/>.</summary>
    Error = 5,
}
