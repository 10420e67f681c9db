using System.Diagnostics;
using System.Globalization;
using System.Text;
using Pico.Gateway.Management.Benchmarks.Infrastructure;
using Pico.Gateway.Management.Benchmarks.Scenarios;

namespace Pico.Gateway.Management.Benchmarks.Idle;

/// <summary>
/// <c>idle [--idle-warmup 120] [--window 30] [--env NAME=VALUE]... [--aot-host PATH] [--out FILE]</c>: issue 11's idle CPU
/// over time. The JIT sample host (its demo gateway, health every 2 s), the library alone in a console host (runtime defaults,
/// and spin limit 0) and, with <c>--aot-host</c>, the Native AOT sample host run side by side; each one's CPU
/// (<c>perf stat -e task-clock</c>) is measured in back-to-back windows from 20 s after start until the window that begins at
/// or after <c>--idle-warmup</c>, so the table shows what the warm-up costs and what is left in steady state. <c>--env</c>
/// adds a variable to every host's environment (e.g. <c>DOTNET_TieredPGO=0</c>).
/// </summary>
internal static class IdleRunner
{
    private static readonly TimeSpan FirstWindowAt = TimeSpan.FromSeconds(20);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = BenchArgs.Parse(args);
        var warmUp = TimeSpan.FromSeconds(options.Int("idle-warmup", 120));
        var window = TimeSpan.FromSeconds(options.Int("window", 30));
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] == "--env" && args[i + 1].Split('=', 2) is [var name, var value])
            {
                environment[name] = value;
            }
        }

        using var directory = new TempDirectory("pico-idle");
        var jitDirectory = Directory.CreateDirectory(Path.Combine(directory.Path, "jit")).FullName;
        await using var jit = await BenchSampleHost.StartAsync(jitDirectory, null, null, environment);
        BenchSampleHost? aot = null;
        if (options.Get("aot-host") is { Length: > 0 } aotHost)
        {
            aot = await BenchSampleHost.StartAsync(Directory.CreateDirectory(Path.Combine(directory.Path, "aot")).FullName, aotHost, null, environment);
        }

        using var console = StartConsoleHost(environment, spin: true);
        using var consoleNoSpin = StartConsoleHost(environment, spin: false);
        var started = Stopwatch.StartNew();
        try
        {
            var hosts = new List<(string Name, int Pid)> { ("JIT sample host", jit.ProcessId), ("console host (library alone), runtime defaults", console.Id), ("console host, spin limit 0", consoleNoSpin.Id) };
            if (aot is not null)
            {
                hosts.Add(("Native AOT sample host", aot.ProcessId));
            }

            await Task.Delay(FirstWindowAt);
            var startup = hosts.ToDictionary(host => host.Name, host => CpuMeter.TotalMs(host.Pid));
            var windows = new List<double>();
            var figures = hosts.ToDictionary(host => host.Name, _ => new List<(double Perf, double Ticks)>());
            while (true)
            {
                var at = started.Elapsed.TotalSeconds;
                windows.Add(at);
                var measured = await Task.WhenAll(hosts.Select(host => CpuMeter.MeasureAsync(host.Pid, window)));
                for (var i = 0; i < hosts.Count; i++)
                {
                    var per5s = 5 / window.TotalSeconds;
                    figures[hosts[i].Name].Add((measured[i].PerfMs * per5s, measured[i].TickMs * per5s));
                }

                if (at >= warmUp.TotalSeconds)
                {
                    break;
                }
            }

            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture, $"Idle CPU per 5 s (perf task-clock, ticks in brackets), {window.TotalSeconds} s windows; environment: {(environment.Count == 0 ? "defaults" : string.Join(", ", environment.Select(pair => $"{pair.Key}={pair.Value}")))}; load average at the end {string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3])}.");
            report.AppendLine();
            report.AppendLine("| host | CPU in the first 20 s (ticks) | " + string.Join(" | ", windows.Select(start => string.Create(CultureInfo.InvariantCulture, $"from {start:0} s"))) + " |");
            report.AppendLine("|---|---|" + string.Concat(windows.Select(_ => "---|")));
            foreach (var (name, _) in hosts)
            {
                report.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {startup[name]:0} ms | ") + string.Join(" | ", figures[name].Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Perf:0.00} ms ({f.Ticks:0.0})"))) + " |");
            }

            Console.WriteLine(report);
            if (options.Get("out") is { } outPath)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
                await File.WriteAllTextAsync(outPath, report.ToString());
            }
        }
        finally
        {
            if (aot is not null)
            {
                await aot.DisposeAsync();
            }

            await StopAsync(console);
            await StopAsync(consoleNoSpin);
        }

        return 0;
    }

    private static Process StartConsoleHost(Dictionary<string, string> environment, bool spin)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        if (!spin)
        {
            info.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        }

        info.ArgumentList.Add(typeof(IdleRunner).Assembly.Location);
        info.ArgumentList.Add("console-host");
        info.ArgumentList.Add("--port");
        info.ArgumentList.Add(FreePort.Next().ToString(CultureInfo.InvariantCulture));
        return Process.Start(info)!;
    }

    private static async Task StopAsync(Process process)
    {
        _ = Native.kill(process.Id, Native.SIGTERM);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }
}
