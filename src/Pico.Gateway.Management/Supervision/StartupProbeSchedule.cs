namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// When a starting gateway is probed next: often at first, then less (an eighth of the time spent starting), and densely around
/// the moment the previous spawned run first answered. A pure function of the elapsed time, so it is tested without a clock.
/// </summary>
internal static class StartupProbeSchedule
{
    // The window around the moment the last spawned run first answered (its startup time learned) is probed this many times
    // over, give or take the rounding to whole milliseconds: fewer than twice as many (a window under 64 ms is probed every
    // millisecond), and fewer in a window under 32 ms.
    private const int WindowProbes = 32;

    /// <summary>
    /// The wait before the next startup probe, <paramref name="elapsed"/> after the spawn: an eighth of it, within the two intervals.
    /// When the last spawned run took <paramref name="expected"/> to answer, the window from half to three halves of it is
    /// probed densely instead: a <see cref="WindowProbes"/>th of the window apart, rounded down to whole milliseconds and at least
    /// one (so fewer than 64 probes), never further apart than the curve would be; a wait that would jump into the window ends at
    /// its start.
    /// </summary>
    public static TimeSpan NextDelay(TimeSpan elapsed, GatewayOptions options, TimeSpan? expected = null)
    {
        var ceiling = Math.Max(options.StartupProbeInterval.Ticks, options.HealthCheckInterval.Ticks);
        var curve = Math.Clamp(WholeMilliseconds(elapsed.Ticks / 8), options.StartupProbeInterval.Ticks, ceiling);
        if (expected is not { Ticks: > 0 } learned)
        {
            return TimeSpan.FromTicks(curve);
        }

        // The learned start may not be how the next one starts. A crash restart that takes the spare (SpareSpawn) skips the cgroup
        // move the user's start before it waited for (an RCU grace period, 10-20 ms on 2 cores) and answers that much earlier, so
        // the window begins at half the learned time. A restart can also start later (the dead run's teardown, a busy machine:
        // about 1.3 times on 2 cores), so it ends at three halves.
        var windowStart = learned.Ticks / 2;
        var windowEnd = learned.Ticks + (learned.Ticks / 2);
        if (elapsed.Ticks >= windowEnd)
        {
            return TimeSpan.FromTicks(curve);
        }

        if (elapsed.Ticks < windowStart)
        {
            return TimeSpan.FromTicks(Math.Min(curve, Math.Max(WholeMilliseconds(windowStart - elapsed.Ticks), TimeSpan.TicksPerMillisecond)));
        }

        // Rounded down, so the window holds about WindowProbes probes rather than fewer.
        var dense = (windowEnd - windowStart) / WindowProbes / TimeSpan.TicksPerMillisecond * TimeSpan.TicksPerMillisecond;
        return TimeSpan.FromTicks(Math.Clamp(dense, TimeSpan.TicksPerMillisecond, curve));
    }

    // Whole milliseconds, rounded up: no schedule here needs a finer step.
    private static long WholeMilliseconds(long ticks) => (ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond * TimeSpan.TicksPerMillisecond;
}
