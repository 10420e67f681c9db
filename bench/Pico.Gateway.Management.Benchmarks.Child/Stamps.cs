using System.Diagnostics;
using System.Globalization;

namespace Pico.Gateway.Management.Benchmarks.Child;

/// <summary>
/// Appends "name nanoseconds pid" lines to a file. The clock is CLOCK_MONOTONIC (Stopwatch on Linux counts nanoseconds of it),
/// the same clock .NET, Python's time.monotonic_ns and Node's process.hrtime read in the harness and the peers' event listeners.
/// </summary>
internal sealed class Stamps(string? path)
{
    public static long Now() => Stopwatch.GetTimestamp() * (1_000_000_000 / Stopwatch.Frequency);

    public void Write(string name, long nanoseconds)
    {
        if (path is null)
        {
            return;
        }

        File.AppendAllText(path, string.Create(CultureInfo.InvariantCulture, $"{name} {nanoseconds} {Environment.ProcessId}\n"));
    }
}
