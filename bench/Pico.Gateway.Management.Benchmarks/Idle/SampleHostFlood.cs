using System.Globalization;
using System.Text;
using Pico.Gateway.Management.Benchmarks.Infrastructure;
using Pico.Gateway.Management.Benchmarks.Scenarios;

namespace Pico.Gateway.Management.Benchmarks.Idle;

/// <summary>
/// <c>host-flood [--lines 200000,1000000] [--settle 20] [--after 30] [--out FILE]</c>: issue 11's "RSS within 10 % of the
/// idle figure 30 s after a flood" for the sample host (JIT, as users run it). The host supervises the bench child in
/// <c>healthy</c> mode, which writes N lines to its stdout when asked (<c>GET /flood?lines=N</c>), so the host and its gateway
/// run throughout: RSS idle (mean over 10 s after <c>--settle</c>), the peak during the flood and until the host has
/// counted the last line, and <c>--after</c> seconds later, for each flood in turn.
/// </summary>
internal static class SampleHostFlood
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = BenchArgs.Parse(args);
        var floods = (options.Get("lines") ?? "200000,1000000").Split(',').Select(text => int.Parse(text, CultureInfo.InvariantCulture)).ToArray();
        var settle = TimeSpan.FromSeconds(options.Int("settle", 20));
        var after = TimeSpan.FromSeconds(options.Int("after", 30));
        var gatewayPort = 0;
        using var directory = new TempDirectory("pico-host-flood");
        await using var host = await BenchSampleHost.StartAsync(directory.Path, aotExecutable: null, port =>
        {
            gatewayPort = port;
            return
            [
                $"--Gateway:ExecutablePath={Paths.Child}",
                "--Gateway:Arguments:0=healthy",
                "--Gateway:Arguments:1=--port",
                $"--Gateway:Arguments:2={port}",
            ];
        });
        using var gateway = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gatewayPort}/"), Timeout = TimeSpan.FromMinutes(5) };

        await Task.Delay(settle);
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Sample host (JIT) memory around log floods: the bench child writes N lines on request, the host and its gateway keep running; settle {settle.TotalSeconds} s.");
        report.AppendLine();
        report.AppendLine("| flood | RSS idle (anonymous) | peak during the flood | right after (last line counted) | " + after.TotalSeconds + " s after (anonymous) | vs idle | load average |");
        report.AppendLine("|---|---|---|---|---|---|---|");
        var total = 0L;
        foreach (var lines in floods)
        {
            var idle = await MeanAsync(host, TimeSpan.FromSeconds(10));
            total += lines;
            var peak = 0L;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, host.Memory().Rss);
                    await Task.Delay(50, CancellationToken.None);
                }
            });
            using (var response = await gateway.GetAsync(new Uri($"flood?lines={lines}", UriKind.Relative)))
            {
                response.EnsureSuccessStatusCode();
            }

            await WaitForLogTotalAsync(host, total);
            var rightAfter = host.Memory();
            await sampling.CancelAsync();
            await sampler;
            await Task.Delay(after);
            var later = host.Memory();
            var load = string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]);
            report.AppendLine(CultureInfo.InvariantCulture, $"| {lines:N0} lines | {Mib(idle.Rss)} ({Mib(idle.Anonymous)}) | {Mib(peak)} | {Mib(rightAfter.Rss)} | {Mib(later.Rss)} ({Mib(later.Anonymous)}) | {(later.Rss - idle.Rss) / idle.Rss * 100:+0.0;-0.0} % | {load} |");
        }

        foreach (var line in host.Output.Split('\n').Where(line => line.Contains("Reclaimed memory", StringComparison.Ordinal)))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"\nThe host's log: {line.Trim()}");
        }

        Console.WriteLine(report);
        if (options.Get("out") is { } outPath)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
            await File.WriteAllTextAsync(outPath, report.ToString());
        }

        return 0;
    }

    private static async Task<(double Rss, double Anonymous)> MeanAsync(BenchSampleHost host, TimeSpan window)
    {
        var samples = new List<(long Rss, long Anonymous, long File)>();
        var end = Clock.Now() + (long)window.TotalNanoseconds;
        while (Clock.Now() < end)
        {
            samples.Add(host.Memory());
            await Task.Delay(250);
        }

        return (samples.Average(sample => (double)sample.Rss), samples.Average(sample => (double)sample.Anonymous));
    }

    /// <summary>Waits until the host's log API counts <paramref name="total"/> lines for the run (the flood's last line captured).</summary>
    private static async Task WaitForLogTotalAsync(BenchSampleHost host, long total)
    {
        var deadline = Clock.Now() + (long)TimeSpan.FromSeconds(120).TotalNanoseconds;
        while (Clock.Now() < deadline)
        {
            using var response = await host.Client.GetAsync(new Uri($"api/gateway/logs?log_offset={long.MaxValue / 2}", UriKind.Relative));
            using var document = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            if (document.RootElement.GetProperty("log_total").GetInt64() >= total)
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"the host never counted {total} lines");
    }

    private static string Mib(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MiB");
}
