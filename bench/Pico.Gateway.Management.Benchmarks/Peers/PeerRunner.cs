using System.Globalization;
using Pico.Gateway.Management.Benchmarks.Infrastructure;
using Pico.Gateway.Management.Benchmarks.Scenarios;

namespace Pico.Gateway.Management.Benchmarks.Peers;

/// <summary>
/// <c>peers [--reps 20] [--lines 1000000] [--supervisord /usr/bin/supervisord] [--pm2 DIR/node_modules/pm2] [--out FILE]</c>:
/// the bench child under us, a private supervisord and a private PM2, scenarios 1-5 where they apply, and the ratios ours/theirs.
/// </summary>
internal static class PeerRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = BenchArgs.Parse(args);
        var repetitions = options.Int("reps", 20);
        var lines = options.Int("lines", 1_000_000);
        var ours = new Measurements();
        var supervisord = new Measurements();
        var pm2 = new Measurements();
        using var directory = new TempDirectory("pico-peers");

        var perLineWrites = options.Get("per-line-writes") == "1";
        if (perLineWrites)
        {
            // Inherited by every supervisor and so by every flood child: one write(2) per line instead of 1 MiB writes.
            Environment.SetEnvironmentVariable("PICO_BENCH_PER_LINE_WRITES", "1");
        }

        Console.Error.WriteLine($"peers: {repetitions} repetitions, {lines:N0} lines{(perLineWrites ? ", one write per line" : "")}");
        if (options.Get("flood-only") == "1")
        {
            return await FloodOnlyAsync(options, directory.Path, repetitions, lines, ours, supervisord);
        }

        // --skip-ours 1: only the peers (a quick check of a peer scenario; the report then has no figures of ours).
        if (options.Get("skip-ours") != "1")
        {
            Console.Error.WriteLine("ours...");
            await OursScenarios.ReadinessAndGracefulStopAsync(directory.Path, repetitions, ours);
            await OursScenarios.CrashAsync(directory.Path, repetitions, ours);
            await OursScenarios.RestartAsync(directory.Path, repetitions, ours);
            await OursScenarios.OwnStopStartAsync(directory.Path, repetitions, ours);
            await OursScenarios.FloodBaselineAsync(directory.Path, repetitions, lines, "exec {child} {args} > /dev/null", "devnull", ours);
            await OursScenarios.FloodAsync(directory.Path, repetitions, lines, ours);
            await Idle.HostScenarios.CrashRestartAsync(directory.Path, repetitions, ours);
            await Idle.HostScenarios.RssAfterFloodAsync(directory.Path, lines, ours);
            await Idle.HostScenarios.HostsAsync(directory.Path, options.Get("aot-host") is { Length: > 0 } aotHost ? aotHost : null, repetitions, HostWarmUp(options), ours);
            ours["memory.idle.rss"].Add(ours.Median("jit.rss"));
        }

        if (options.Get("supervisord") is { Length: > 0 } supervisordPath)
        {
            Console.Error.WriteLine("supervisord...");
            using var own = new TempDirectory("pico-supervisord");
            await using var peer = await SupervisordPeer.StartAsync(supervisordPath, own.Path, lines);
            await PeerScenarios.SupervisordAsync(peer, repetitions, lines, supervisord);
        }

        if (options.Get("pm2") is { Length: > 0 } pm2Module)
        {
            Console.Error.WriteLine("PM2...");
            using var own = new TempDirectory("pico-pm2");
            await using var peer = await Pm2Peer.StartAsync(pm2Module, own.Path, lines);
            await PeerScenarios.Pm2Async(peer, repetitions, lines, pm2);
        }

        var report = Report(ours, supervisord, pm2, repetitions, lines, options);
        Console.WriteLine(report);
        if (options.Get("out") is { } output)
        {
            await ReportFile.WriteAsync(output, report);
        }

        return 0;
    }

    /// <summary>
    /// <c>--flood-only 1</c>: scenario 5 alone, ours then supervisord (when <c>--supervisord</c> is given), for an A/B of the capture
    /// path next to supervisord in minutes rather than the whole peers run.
    /// </summary>
    private static async Task<int> FloodOnlyAsync(BenchArgs options, string directory, int repetitions, int lines, Measurements ours, Measurements supervisord)
    {
        await OursScenarios.FloodAsync(directory, repetitions, lines, ours);
        if (options.Get("supervisord") is { Length: > 0 } supervisordPath)
        {
            using var own = new TempDirectory("pico-supervisord");
            await using var peer = await SupervisordPeer.StartAsync(supervisordPath, own.Path, lines);
            await PeerScenarios.SupervisordFloodAsync(peer, repetitions, lines, supervisord);
        }

        static string Cell(Measurements m, string name, string format) => m.Has(name) ? m.Median(name).ToString(format, CultureInfo.InvariantCulture) : "–";
        static string Lost(Measurements m) => m.Has("flood.lost") ? m["flood.lost"].Max().ToString("0", CultureInfo.InvariantCulture) : "–";
        Console.WriteLine($"| {lines:N0} lines, {repetitions} repetitions, medians | ours | supervisord |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| lines/s, child's first write → last line in the sink | {Cell(ours, "flood.endToEndRate", "N0")} | {Cell(supervisord, "flood.endToEndRate", "N0")} |");
        Console.WriteLine($"| child's own writing time, ms | {Cell(ours, "flood.childWriting", "0.0")} | {Cell(supervisord, "flood.childWriting", "0.0")} |");
        Console.WriteLine($"| lines lost (worst run) | {Lost(ours)} | {Lost(supervisord)} |");
        return 0;
    }

    private static string Report(Measurements ours, Measurements supervisord, Measurements pm2, int repetitions, int lines, BenchArgs options)
    {
        var rows = new System.Text.StringBuilder();
        var devnull = ours.Median("devnull.childWriting");

        void Row(string scenario, string name, Func<Measurements, double> value, string format, string unit, bool higherIsBetter = false, string? peerNote = null)
        {
            var o = value(ours);
            var s = supervisord.Has(name) || name.StartsWith("slowdown", StringComparison.Ordinal) ? value(supervisord) : double.NaN;
            var p = pm2.Has(name) || name.StartsWith("slowdown", StringComparison.Ordinal) ? value(pm2) : double.NaN;
            string Cell(double v) => double.IsNaN(v) ? peerNote ?? "n/a" : v.ToString(format, CultureInfo.InvariantCulture) + unit;
            string Ratio(double theirs) => double.IsNaN(theirs) || double.IsNaN(o) || theirs == 0 ? "–" : (o / theirs).ToString("0.000", CultureInfo.InvariantCulture);
            rows.Append(CultureInfo.InvariantCulture, $"| {scenario} | {Cell(o)} | {Cell(s)} | {Cell(p)} | {Ratio(s)} | {Ratio(p)} |\n");
        }

        Row("1 readiness: first 200 on /health → running (median)", "readiness", m => m.Median("readiness"), "0.000", " ms", peerNote: "n/a (no health check)");
        Row("2 crash: SIGKILL → stopped/exited event (median)", "crash", m => m.Median("crash"), "0.000", " ms");
        Row("3 graceful stop: gateway's exit → stopped/exit event (median)", "graceful", m => m.Median("graceful"), "0.000", " ms");
        Row("3 … stop request → stopped/exit event (median)", "graceful.request", m => m.Median("graceful.request"), "0.0", " ms");
        Row("4 restart: request → new gateway answering 200 and reported running (median)", "restart", m => m.Median("restart"), "0.0", " ms");
        Row("5 log ingestion: lines/s, child's first write → last line in the sink (median; higher is better)", "flood.endToEndRate", m => m.Median("flood.endToEndRate"), "N0", "/s", higherIsBetter: true);
        Row("5 lines lost (worst run)", "flood.lost", m => m.Has("flood.lost") ? m["flood.lost"].Max() : double.NaN, "0", "");
        Row("5 child's own writing time (median)", "flood.childWriting", m => m.Median("flood.childWriting"), "0.0", " ms");
        Row($"5 child slowed vs /dev/null ({devnull:0.0} ms)", "slowdown", m => m.Median("flood.childWriting") / devnull, "0.00", "×");
        Row("8 supervisor's resident memory, idle with the gateway running (ours: the sample host, JIT)", "memory.idle.rss", m => m.Median("memory.idle.rss"), "0.0", " MiB");
        rows.Append(CultureInfo.InvariantCulture, $"| 11 idle CPU per 5 s, task-clock (ticks), health every 2 s: ours JIT sample host | {Cpu(ours, "jit")} | {Cpu(supervisord, "peer")} | {Cpu(pm2, "peer")} | | |\n");
        rows.Append(CultureInfo.InvariantCulture, $"| 11 … ours Native AOT sample host / the library alone in a console host, default runtime settings / spin limit 0 | {Cpu(ours, "aot")} / {Cpu(ours, "console")} / {Cpu(ours, "console.nospin")} | | | | |\n");
        rows.Append(CultureInfo.InvariantCulture, $"| 11 start request → response (ours: POST /api/gateway/start, JIT / AOT; median) | {Ms(ours, "jit.postStart")} / {Ms(ours, "aot.postStart")} | {Ms(supervisord, "peer.postStart")} | {Ms(pm2, "peer.postStart")} | | |\n");
        rows.Append(CultureInfo.InvariantCulture, $"| 11 … the spawn itself (the process layer's Start, timed in this process after the same warm-up: containment, posix_spawn, exit watcher) / in-process StartAsync answered / beyond its own spawn | {Ms(ours, "inproc.spawn")} / {Ms(ours, "inproc.startAnswer")} / {Ms(ours, "inproc.beyondSpawn")} | | | | |\n");
        rows.Append(CultureInfo.InvariantCulture, $"| 11 … POST start beyond the spawn (target ≤ 2 ms): JIT / AOT | {Beyond(ours, "jit")} / {Beyond(ours, "aot")} | | | | |\n");
        Row($"11 crash (SIGKILL) → restarted, answering and reported running (median; child's own start {Ms(ours, "own.start")}; peers: autorestart, the harness asks /health in their place)", "crashRestart", m => m.Median("crashRestart"), "0.0", " ms");
        rows.Append(CultureInfo.InvariantCulture, $"| 11 … ours: SIGKILL → exit seen / new run spawned / its main() / its listen() / our probe's first 200; own start: spawn → main() / listen() | {Ms(ours, "crashRestart.exitSeen")} / {Ms(ours, "crashRestart.spawned")} / {Ms(ours, "crashRestart.main")} / {Ms(ours, "crashRestart.listen")} / {Ms(ours, "crashRestart.first200")}; own {Ms(ours, "own.main")} / {Ms(ours, "own.listen")}; listen → first 200: ours {Ms(ours, "crashRestart.listenTo200")}, own {Ms(ours, "own.listenTo200")} | | | | |\n");
        rows.Append(CultureInfo.InvariantCulture, $"| 11 resident memory: before a flood / right after / 30 s after (ours: the harness process) | {Mib(ours, "flood.rssBefore")} / {Mib(ours, "flood.rssRightAfter")} / {Mib(ours, "flood.rss30s")} | | | | |\n");
        rows.Append(CultureInfo.InvariantCulture, $"| 11 sample host RSS / anonymous / PSS idle: JIT | {Mib(ours, "jit.rss")} / {Mib(ours, "jit.anon")} / {Mib(ours, "jit.pss")} | | | | |\n");
        rows.Append(CultureInfo.InvariantCulture, $"| 11 … Native AOT; console host RSS | {Mib(ours, "aot.rss")} / {Mib(ours, "aot.anon")} / {Mib(ours, "aot.pss")}; {Mib(ours, "console.rss")} | | | | |\n");

        return $"""
            ## Peers: the same child under supervisord, PM2 and Pico.Gateway.Management

            Machine: {ScenarioRunner.Machine()}
            supervisord {Version("supervisord", "--version")}, PM2 {Pm2Version(options.Get("pm2"))}, node {Version("node", "--version")}; {repetitions} repetitions per scenario after one warm-up, {lines:N0} lines.
            Ratios are ours/theirs of the medians: below 1 ours is faster, except lines/s where above 1 ours is faster.
            Ours is the library in process (scenario 8: the sample host, an ASP.NET Core app with the dashboard); supervisord's
            log sink is its stdout_logfile, PM2's its out_file.

            | scenario | ours | supervisord | PM2 | ours/supervisord | ours/PM2 |
            |---|---|---|---|---|---|
            {rows}
            """;
    }

    /// <summary>The sample hosts' idle CPU is measured after this long from their (common) start: <c>--host-warmup</c> seconds.</summary>
    public static TimeSpan HostWarmUp(BenchArgs options) => TimeSpan.FromSeconds(options.Int("host-warmup", 150));

    private static string Beyond(Measurements m, string prefix) =>
        m.Has($"{prefix}.postStart") && m.Has("inproc.spawn")
            ? string.Create(CultureInfo.InvariantCulture, $"{m.Median($"{prefix}.postStart") - m.Median("inproc.spawn"):0.00} ms")
            : "–";

    private static string Cpu(Measurements m, string prefix) =>
        m.Has($"{prefix}.idleCpu") ? string.Create(CultureInfo.InvariantCulture, $"{m.Median($"{prefix}.idleCpu"):0.00} ms ({m.Median($"{prefix}.idleCpuTicks"):0.0})") : "–";

    private static string Ms(Measurements m, string name) => m.Has(name) ? string.Create(CultureInfo.InvariantCulture, $"{m.Median(name):0.00} ms") : "–";

    private static string Mib(Measurements m, string name) => m.Has(name) ? string.Create(CultureInfo.InvariantCulture, $"{m.Median(name):0.0} MiB") : "–";

    private static string Version(string command, string argument)
    {
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(command, argument) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var text = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit(10_000);
            return text.Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "?";
        }
    }

    private static string Pm2Version(string? module)
    {
        if (module is null || !File.Exists(Path.Combine(module, "package.json")))
        {
            return "?";
        }

        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(module, "package.json")));
        return document.RootElement.GetProperty("version").GetString() ?? "?";
    }
}
