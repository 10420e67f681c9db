using System.Diagnostics;
using System.Globalization;

namespace Pico.Gateway.Management.Benchmarks.Idle;

/// <summary>
/// CPU a process uses over a window. Two readings: <c>perf stat -e task-clock</c> (exact nanoseconds of every thread, including
/// threads that start and end inside the window), and the kernel's tick accounting (utime+stime in /proc/PID/stat), which
/// charges a whole 10 ms tick to whoever runs when it fires and so over-counts a process that wakes on timers. Both are CPU
/// time, not wall time: a loaded machine delays them but does not inflate them.
/// </summary>
internal static class CpuMeter
{
    public static async Task<(double PerfMs, double TickMs)> MeasureAsync(int pid, TimeSpan window)
    {
        var ticksBefore = Ticks(pid);
        var perf = StartPerf(pid, window);
        if (perf is null)
        {
            await Task.Delay(window);
        }
        else
        {
            await perf.WaitForExitAsync();
        }

        var ticksAfter = Ticks(pid);
        var perfMs = double.NaN;
        if (perf is not null)
        {
            // CSV on stderr: "27.50,msec,task-clock,..."
            foreach (var line in (await perf.StandardError.ReadToEndAsync()).Split('\n'))
            {
                var fields = line.Split(',');
                if (fields.Length > 2 && fields[2].StartsWith("task-clock", StringComparison.Ordinal) && double.TryParse(fields[0], CultureInfo.InvariantCulture, out var ms))
                {
                    perfMs = ms;
                }
            }

            perf.Dispose();
        }

        return (perfMs, (ticksAfter - ticksBefore) * 1000.0 / 100);
    }

    private static Process? StartPerf(int pid, TimeSpan window)
    {
        var info = new ProcessStartInfo("perf") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "stat", "-x", ",", "-e", "task-clock", "-p", pid.ToString(CultureInfo.InvariantCulture), "--", "sleep", window.TotalSeconds.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            return Process.Start(info);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>The CPU a process has used since it started (kernel tick accounting: utime+stime), in milliseconds.</summary>
    public static double TotalMs(int pid) => Ticks(pid) * 1000.0 / 100;

    private static long Ticks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // Fields 14 and 15 of stat (utime, stime) are 12 and 13 after the ") " that ends the command name.
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}
