using Pico.Gateway.Management.Supervision;

namespace Pico.Gateway.Management.Health;

/// <summary>What a pushed readiness source reports about its run (the health monitor decides what follows).</summary>
internal interface IReadinessListener
{
    /// <summary>The gateway says it is ready.</summary>
    void Ready(ProcessRun run);

    /// <summary>The gateway reports a status in words.</summary>
    void Status(ProcessRun run, string text);

    /// <summary>The gateway is alive (a watchdog ping).</summary>
    void WatchdogPing(ProcessRun run);

    /// <summary>The gateway asks for <paramref name="extension"/> more time to start, from now.</summary>
    void ExtendStartup(ProcessRun run, TimeSpan extension);
}
