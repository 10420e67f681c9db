using System.Globalization;

namespace Pico.Gateway.Management.Benchmarks.Infrastructure;

/// <summary>
/// Waits until this process's JIT has settled: tiered compilation re-compiles hot methods on a background thread for a while
/// after they become hot, and on 2 cores that thread competes with whatever is being timed (a gateway starting, above all).
/// A host that has run for a while has no such thread busy, so timed sections start after it has been quiet.
/// </summary>
internal static class JitQuiescence
{
    private const string TieringThread = ".NET Tiered Com";
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);

    /// <summary>Polls until the tiering thread used under a millisecond of CPU in half a second, or <paramref name="limit"/> passes.</summary>
    public static async Task WaitAsync(TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        var last = TieringNanoseconds();
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(Quiet);
            var now = TieringNanoseconds();
            if (now - last < 1_000_000)
            {
                return;
            }

            last = now;
        }
    }

    // CPU nanoseconds (schedstat's first field) of every thread named for tiered compilation.
    private static long TieringNanoseconds()
    {
        long total = 0;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') == TieringThread)
                {
                    total += long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
                // The thread ended while we read it.
            }
        }

        return total;
    }
}
