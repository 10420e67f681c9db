using System.Runtime.InteropServices;
using Pico.Gateway.Management.Benchmarks.Infrastructure;

namespace Pico.Gateway.Management.Benchmarks.Scenarios;

/// <summary>
/// <c>scenarios [--reps 20] [--lines 1000000] [--http-seconds 10] [--rate 1000] [--sse-clients 200] [--subscribers 1000]
/// [--only 1,2,...] [--flood-baselines 0] [--out report.md]</c>: runs the end-to-end scenarios and prints one table of every figure against its target.
/// </summary>
internal static class ScenarioRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = BenchArgs.Parse(args);
        var repetitions = options.Int("reps", 20);
        var lines = options.Int("lines", 1_000_000);
        var only = options.Get("only") is { } list ? list.Split(',').Select(int.Parse).ToHashSet() : null;
        bool Runs(int scenario) => only is null || only.Contains(scenario);

        var m = new Measurements();
        using var directory = new TempDirectory("pico-bench");
        Console.Error.WriteLine($"scenarios: {repetitions} repetitions, {lines:N0} lines, child {Paths.Child}");

        if (Runs(1) || Runs(3))
        {
            Console.Error.WriteLine("(1)(3) readiness and graceful stop...");
            await OursScenarios.ReadinessAndGracefulStopAsync(directory.Path, repetitions, m);
            if (Runs(1))
            {
                await OursScenarios.PushReadinessAsync(directory.Path, repetitions, GatewayReadinessMode.Notify, m);
                await OursScenarios.PushReadinessAsync(directory.Path, repetitions, GatewayReadinessMode.OutputLine, m);
            }
        }

        if (Runs(2))
        {
            Console.Error.WriteLine("(2) crash detection...");
            await OursScenarios.CrashAsync(directory.Path, repetitions, m);
        }

        if (Runs(4))
        {
            Console.Error.WriteLine("(4) restart cycle and the gateway's own stop + start...");
            await OursScenarios.RestartAsync(directory.Path, repetitions, m);
            await OursScenarios.OwnStopStartAsync(directory.Path, repetitions, m);
        }

        if (Runs(11))
        {
            Console.Error.WriteLine("(11) first crash restart and the gateway's own start...");
            await Idle.HostScenarios.CrashRestartAsync(directory.Path, repetitions, m);
            if (!Runs(4))
            {
                await OursScenarios.OwnStopStartAsync(directory.Path, repetitions, m);
            }
        }

        if (Runs(5) || Runs(8))
        {
            Console.Error.WriteLine("(5) log ingestion...");
            if (options.Get("flood-baselines") != "0")
            {
                // --flood-baselines 0 runs our flood alone: an A/B of the capture path needs neither baseline, and cat's own
                // wake-ups would blur a whole-process perf stat of the run.
                await OursScenarios.FloodBaselineAsync(directory.Path, repetitions, lines, "exec {child} {args} > /dev/null", "devnull", m);
                await OursScenarios.FloodBaselineAsync(directory.Path, repetitions, lines, "{child} {args} | cat > /dev/null", "cat", m);
            }

            await OursScenarios.FloodAsync(directory.Path, repetitions, lines, m);
        }

        if (Runs(6))
        {
            Console.Error.WriteLine("(6) status read in process...");
            OursScenarios.StatusRead(m);
        }

        if (Runs(7))
        {
            Console.Error.WriteLine("(7) events to in-process subscribers...");
            await OursScenarios.EventsInProcessAsync(directory.Path, options.Int("subscribers", 1000), 10, m);
        }

        if (Runs(6) || Runs(7) || Runs(8))
        {
            Console.Error.WriteLine("(6)(7)(8) sample host: idle memory, status over HTTP, SSE fan-out...");
            await using var host = await BenchSampleHost.StartAsync(directory.Path);
            await Task.Delay(TimeSpan.FromSeconds(5));
            var idle = host.Memory();
            m["memory.idle.rss"].Add(idle.Rss / 1048576.0);
            m["memory.idle.anon"].Add(idle.Anonymous / 1048576.0);
            m["memory.idle.file"].Add(idle.File / 1048576.0);
            if (Runs(6))
            {
                await HttpScenarios.StatusLoadAsync(host, options.Int("rate", 1000), options.Int("http-seconds", 10), m);
            }

            if (Runs(7) || Runs(8))
            {
                await HttpScenarios.SseFanOutAsync(host, options.Int("sse-clients", 200), 10, m);
            }
        }

        if ((Runs(8) || Runs(7)) && options.Get("aot-host") is { Length: > 0 } aotHost)
        {
            Console.Error.WriteLine("(8) sample host published with Native AOT: idle memory, SSE fan-out...");
            await using var host = await BenchSampleHost.StartAsync(directory.Path, aotHost);
            await Task.Delay(TimeSpan.FromSeconds(5));
            var idle = host.Memory();
            m["aot.idle.rss"].Add(idle.Rss / 1048576.0);
            m["aot.idle.anon"].Add(idle.Anonymous / 1048576.0);
            m["aot.idle.file"].Add(idle.File / 1048576.0);
            var aot = new Measurements();
            await HttpScenarios.SseFanOutAsync(host, options.Int("sse-clients", 200), 10, aot);
            m["aot.sse.rss"].AddRange(aot["memory.sse.rss"]);
            m["aot.events.sse"].AddRange(aot["events.sse"]);
        }

        var report = Report(m, repetitions, lines, options);
        Console.WriteLine(report);
        if (options.Get("out") is { } output)
        {
            await ReportFile.WriteAsync(output, report);
        }

        return 0;
    }

    internal static string Machine()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        var memory = File.ReadLines("/proc/meminfo").First().Split(':', 2)[1].Trim();
        var load = File.ReadAllText("/proc/loadavg").Trim();
        return $"{cpu}, {Environment.ProcessorCount} cores, {memory} RAM, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; load average at the end: {load}";
    }

    private static string Report(Measurements m, int repetitions, int lines, BenchArgs options)
    {
        var table = new Table();
        string Ms(string name) => Stats.Describe(m[name]);

        if (m.Has("readiness"))
        {
            table.Row("1", "readiness: first 200 on /health → `running` event", $"median {m.Median("readiness"):0.000} ms", "≤ 5 ms median", m.Median("readiness") <= 5);
            table.Row("1", "… listening → `running` (includes the startup probe backoff: 5 ms doubling)", Ms("readiness.listen"), "", null);
        }

        if (m.Has("readiness.notify"))
        {
            table.Row("1", "readiness, Notify: the child sends READY=1 → `running` event (no probe)", Ms("readiness.notify"), "well under 1 ms", null);
            table.Row("1", "readiness, OutputLine: the child writes its ready line → `running` event (no probe)", Ms("readiness.outputLine"), "well under 1 ms", null);
        }

        if (m.Has("crash"))
        {
            table.Row("2", "crash: SIGKILL → `stopped` event", $"median {m.Median("crash"):0.000} ms", "≤ 2 ms median", m.Median("crash") <= 2);
            table.Row("2", "… of which SIGKILL → kernel exit notification (pidfd)", Ms("crash.kernel"), "", null);
        }

        if (m.Has("graceful"))
        {
            table.Row("3", "graceful stop: the gateway's exit (pidfd) → `stopped` event", $"median {m.Median("graceful"):0.000} ms", "≤ 2 ms median", m.Median("graceful") <= 2);
            table.Row("3", "… stop request → `stopped` (includes the gateway's own shutdown)", Ms("graceful.request"), "", null);
        }

        if (m.Has("restart"))
        {
            var own = m.Median("own.stopStart");
            table.Row("4", "restart: request → new gateway's `running` event", $"median {m.Median("restart"):0.000} ms", $"≤ own stop + start + 10 = {own + 10:0.0} ms", m.Median("restart") <= own + 10);
            table.Row("4", "… the gateway's own stop (SIGTERM → exit) + start (spawn → first 200 on /health), unsupervised", $"{Ms("own.stopStart")}; stop {m.Median("own.stop"):0.000}, start {m.Median("own.start"):0.000}", "", null);
            table.Row("4", "… request → the new gateway's first 200 (our probe's)", Ms("restart.first200"), "", null);
        }

        if (m.Has("start.answer"))
        {
            table.Row("11", "start request → `StartAsync` answered, in process (spawn included; cgroup containment, pipes)", Ms("start.answer"), "", null);
            table.Row("11", "… of which the spawn itself (the process layer's Start: containment, posix_spawn, exit watcher), same starts; the rest", $"{Ms("start.spawn")}; rest {Ms("start.beyondSpawn")} (median of the per-start differences)", "rest ≤ 2 ms", m.Median("start.beyondSpawn") <= 2);
        }

        if (m.Has("crashRestart"))
        {
            var own = m.Median("own.start");
            table.Row("11", "crash (SIGKILL) → restarted and `running` (first crash after a healthy run)", $"median {m.Median("crashRestart"):0.000} ms", $"≤ own start + 5 = {own + 5:0.0} ms", m.Median("crashRestart") <= own + 5);
            table.Row("11", "… SIGKILL → the new gateway's first 200 (our probe's); the gateway's own start (spawn → first 200), unsupervised", $"{Ms("crashRestart.first200")}; own start {Ms("own.start")}", "", null);
            table.Row("11", "… SIGKILL → exit seen / new run spawned / its main() / its listen(); own start: spawn → main() / listen()", $"listen → first 200: ours {Ms("crashRestart.listenTo200")}, own {Ms("own.listenTo200")}; host CPU {Ms("crashRestart.hostCpu")}, machine busy {Ms("crashRestart.machineBusy")}; own: harness CPU {Ms("own.hostCpu")}, machine busy {Ms("own.machineBusy")}; {Ms("crashRestart.exitSeen")} / {Ms("crashRestart.spawned")} / {Ms("crashRestart.main")} / {Ms("crashRestart.listen")}; own {Ms("own.main")} / {Ms("own.listen")}", "", null);
        }

        if (m.Has("crashRestart.listenToAccept"))
        {
            table.Row("11", "… listen → first accept / accept → request read / read → 200: ours; own", $"{Ms("crashRestart.listenToAccept")} / {Ms("crashRestart.acceptToRead")} / {Ms("crashRestart.readTo200")}; own {Ms("own.listenToAccept")} / {Ms("own.acceptToRead")} / {Ms("own.readTo200")}; listen → accept() called: ours {Ms("crashRestart.listenToAcceptCalled")}, own {Ms("own.listenToAcceptCalled")}", "", null);
        }

        if (m.Has("flood.sinkRate"))
        {
            var lost = m["flood.lost"].Max() + m["flood.bufferLost"].Max();
            var slowdown = m.Median("flood.childWriting") / m.Median("devnull.childWriting");
            var wallSlowdown = m.Median("flood.wall") / m.Median("devnull.wall");
            table.Row("5", $"log ingestion: lines/s through the sink ({lines:N0} lines)", $"median {m.Median("flood.sinkRate"):N0}/s (end to end {m.Median("flood.endToEndRate"):N0}/s)", "≥ 1,000,000/s", m.Median("flood.sinkRate") >= 1_000_000);
            table.Row("5", "lines lost (sink count and ring-buffer total vs lines written, every run)", $"{lost:0} in {m["flood.lost"].Count} runs", "0", lost == 0);
            table.Row("5", "child slowed: its own writing time supervised / to /dev/null", $"{slowdown:0.00}× ({m.Median("flood.childWriting"):0.0} vs {m.Median("devnull.childWriting"):0.0} ms)", "≤ 1.25×", slowdown <= 1.25);
            table.Row("5", "… floor: writing into a pipe read by `cat` / to /dev/null", $"{m.Median("cat.childWriting") / m.Median("devnull.childWriting"):0.00}× ({m.Median("cat.childWriting"):0.0} ms)", "", null);
            table.Row("5", "… whole process, spawn → exit seen: supervised / /dev/null", $"{wallSlowdown:0.00}× ({m.Median("flood.wall"):0.0} vs {m.Median("devnull.wall"):0.0} ms)", "", null);
        }

        if (m.Has("status.ns"))
        {
            var ns = m.Median("status.ns");
            var bytes = m["status.bytes"].Max();
            table.Row("6", "status read in process (`IGatewayManager.Current`)", $"{ns:0.00} ns, {bytes:0.###} B allocated per read", "≤ 50 ns, 0 allocations", ns <= 50 && bytes == 0);
        }

        if (m.Has("http.status"))
        {
            var p99 = Stats.Percentile(m["http.status"], 99);
            table.Row("6", $"HTTP GET /api/gateway/status at {options.Int("rate", 1000)}/s ({m["http.status"].Count:N0} requests, {m["http.status.failures"].Sum():0} failed)", $"p50 {Stats.Percentile(m["http.status"], 50):0.000} ms, p99 {p99:0.000} ms, max {m["http.status"].Max():0.0} ms", "p99 ≤ 5 ms", p99 <= 5);
        }

        if (m.Has("events.inProcess"))
        {
            var p99 = Stats.Percentile(m["events.inProcess"], 99);
            table.Row("7", $"event delivery to {options.Int("subscribers", 1000)} in-process subscribers ({m["events.inProcess"].Count:N0} deliveries, {m["events.inProcess.missing"].Sum():0} missing)", $"p50 {Stats.Percentile(m["events.inProcess"], 50):0.000} ms, p99 {p99:0.000} ms", "p99 ≤ 50 ms", p99 <= 50 && m["events.inProcess.missing"].Sum() == 0);
        }

        if (m.Has("events.sse"))
        {
            var p99 = Stats.Percentile(m["events.sse"], 99);
            table.Row("7", $"event delivery to {options.Int("sse-clients", 200)} SSE clients, from the POST ({m["events.sse"].Count:N0} deliveries)", $"p50 {Stats.Percentile(m["events.sse"], 50):0.00} ms, p99 {p99:0.00} ms", "p99 ≤ 50 ms", p99 <= 50);
        }

        if (m.Has("memory.idle.rss"))
        {
            var rss = m.Median("memory.idle.rss");
            table.Row("8", "sample host resident memory, idle (gateway running)", $"{rss:0.0} MiB (anonymous {m.Median("memory.idle.anon"):0.0}, file-backed {m.Median("memory.idle.file"):0.0})", "≤ 32 MiB", rss <= 32);
        }

        if (m.Has("memory.sse.rss"))
        {
            table.Row("8", $"sample host resident memory with {options.Int("sse-clients", 200)} SSE clients", $"{m.Median("memory.sse.rss"):0.0} MiB", "", null);
        }

        if (m.Has("aot.idle.rss"))
        {
            var rss = m.Median("aot.idle.rss");
            table.Row("8", "… the same host published with Native AOT (invariant globalization), idle", $"{rss:0.0} MiB (anonymous {m.Median("aot.idle.anon"):0.0}, file-backed {m.Median("aot.idle.file"):0.0})", "≤ 32 MiB", rss <= 32);
            table.Row("8", $"… Native AOT with {options.Int("sse-clients", 200)} SSE clients; their delivery p99", $"{m.Median("aot.sse.rss"):0.0} MiB; p99 {Stats.Percentile(m["aot.events.sse"], 99):0.00} ms", "", null);
        }

        if (m.Has("flood.bytesPerLine"))
        {
            var perLine = m.Median("flood.threadBytesPerLine");
            var strings = m.Median("flood.stringBytesPerLine");
            table.Row("8", "managed bytes allocated per captured line, steady state (the line-splitting thread)", $"{perLine:0.00} B; the line's string is {strings:0.00} B", "≤ 1 allocation (the string)", perLine - strings < 0.5);
            table.Row("8", "… whole process during the 1 M-line burst (adds the reader's 64 KiB chunks the pool could not hold)", $"{m.Median("flood.bytesPerLine"):0.00} B", "", null);
        }

        return $"""
            ## Scenario results

            Machine: {Machine()}
            Repetitions: {repetitions} per scenario (after one warm-up), medians unless stated.

            {table}
            """;
    }
}
