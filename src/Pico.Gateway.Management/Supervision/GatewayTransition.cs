namespace Pico.Gateway.Management.Supervision;

/// <summary>What the manager carries out after a transition, outside its lock.</summary>
[Flags]
internal enum GatewayEffects
{
    /// <summary>Nothing beyond publishing the next snapshot.</summary>
    None = 0,

    /// <summary>A crash restart is due at <see cref="GatewayEvent.NextRestartTime"/>: arm it.</summary>
    ScheduleCrashRestart = 1,

    /// <summary>The gateway stopped answering healthily: log why.</summary>
    ReportUnhealthy = 2,

    /// <summary>The startup deadline passed: log it.</summary>
    ReportStartupTimeout = 4,

    /// <summary>Too many exits in the window: log the crash loop.</summary>
    ReportCrashLoop = 8,

    /// <summary>The startup probes and the deadline of the run are no longer needed.</summary>
    EndStartup = 16,
}

/// <param name="Next">The proposed snapshot; the manager stamps its sequence and time when a state field changed.</param>
/// <param name="Effects">What to carry out after the lock.</param>
internal readonly record struct GatewayTransition(GatewayEvent Next, GatewayEffects Effects = GatewayEffects.None);
