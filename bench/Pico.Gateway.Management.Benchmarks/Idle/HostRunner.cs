using System.Globalization;
using System.Text;
using Pico.Gateway.Management.Benchmarks.Infrastructure;
using Pico.Gateway.Management.Benchmarks.Peers;
using Pico.Gateway.Management.Benchmarks.Scenarios;

namespace Pico.Gateway.Management.Benchmarks.Idle;

/// <summary>
/// <c>hosts [--reps 20] [--host-warmup 150] [--aot-host PATH] [--out FILE]</c>: the host part of <c>peers</c> alone (issue 11's
/// idle CPU and POST start rows, <see cref="HostScenarios.HostsAsync"/>), with the load average before and after.
/// </summary>
internal static class HostRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = BenchArgs.Parse(args);
        var repetitions = options.Int("reps", 20);
        var ours = new Measurements();
        using var directory = new TempDirectory("pico-hosts");
        var loadBefore = LoadAverage();
        await HostScenarios.HostsAsync(directory.Path, options.Get("aot-host") is { Length: > 0 } aot ? aot : null, repetitions, PeerRunner.HostWarmUp(options), ours);
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Hosts: {repetitions} timed repetitions; load average before {loadBefore}, after {LoadAverage()}.");
        report.AppendLine();
        report.AppendLine("| row | median (min–max) |");
        report.AppendLine("|---|---|");
        foreach (var name in new[]
        {
            "jit.idleCpu", "jit.idleCpuTicks", "aot.idleCpu", "aot.idleCpuTicks", "console.idleCpu", "console.idleCpuTicks", "console.nospin.idleCpu", "console.nospin.idleCpuTicks",
            "jit.postStart", "aot.postStart", "inproc.spawn", "inproc.startAnswer", "inproc.beyondSpawn",
            "jit.rss", "aot.rss", "console.rss",
        })
        {
            if (ours.Has(name))
            {
                var values = ours[name];
                report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {ours.Median(name):0.000} ({values.Min():0.000}–{values.Max():0.000}, n={values.Count}) |");
            }
        }

        if (ours.Has("inproc.spawn"))
        {
            foreach (var prefix in new[] { "jit", "aot" })
            {
                if (ours.Has($"{prefix}.postStart"))
                {
                    report.AppendLine(CultureInfo.InvariantCulture, $"| {prefix}.postStart − inproc.spawn (target ≤ 2 ms) | {ours.Median($"{prefix}.postStart") - ours.Median("inproc.spawn"):0.000} |");
                }
            }
        }

        Console.WriteLine(report);
        if (options.Get("out") is { } output)
        {
            await ReportFile.WriteAsync(output, report.ToString());
        }

        return 0;
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]);
}
