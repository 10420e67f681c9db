using System.Diagnostics;

namespace Pico.Gateway.Management.Benchmarks.Infrastructure;

/// <summary>CLOCK_MONOTONIC in nanoseconds: the clock the child's stamps, Python's time.monotonic_ns and Node's process.hrtime read.</summary>
internal static class Clock
{
    private static readonly long NanosecondsPerTick = 1_000_000_000 / Stopwatch.Frequency;

    public static long Now() => Stopwatch.GetTimestamp() * NanosecondsPerTick;

    public static double Ms(long nanoseconds) => nanoseconds / 1_000_000.0;
}
