using System.Diagnostics;
using System.Globalization;
using Pico.Gateway.Management.Benchmarks.Infrastructure;
using Pico.Gateway.Management.Benchmarks.Scenarios;

namespace Pico.Gateway.Management.Benchmarks.Idle;

/// <summary>
/// Issue 11's rows for ours: the first crash restart, a host's idle CPU (the sample host, JIT and Native AOT, and the library
/// alone in a console host), <c>POST /api/gateway/start</c> → response, and resident memory after a flood.
/// </summary>
internal static class HostScenarios
{
    // Untimed crash restarts first: enough for tiered compilation to promote the restart path (30 calls) and settle.
    private const int WarmUpCycles = 40;

    /// <summary>
    /// Untimed stop/start cycles before the timed ones: a JIT host runs the POST path's methods at tier 0 until each has been called
    /// 30 times (and then waits for the background compile), so 10 cycles measured tier-0 code.
    /// </summary>
    private const int PostWarmUpCycles = 40;

    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(30);

    /// <summary>SIGKILL of a gateway that ran healthily → the new gateway's running event (restart policy OnFailure, defaults otherwise).</summary>
    public static async Task CrashRestartAsync(string directory, int repetitions, Measurements into)
    {
        await using var ours = OursHarness.Healthy(directory);
        ours.Options.RestartPolicy = GatewayRestartPolicy.OnFailure;
        var warmUp = Math.Max(WarmUpCycles, 1);
        for (var i = 1 - warmUp; i < repetitions + 1; i++)
        {
            if (i == 1)
            {
                // A crash restart in a host that has run a while: nothing of ours is still being compiled while the child starts.
                await JitQuiescence.WaitAsync(TimeSpan.FromSeconds(15));
            }

            // A user start begins a new crash history, so every repetition is a first crash after a healthy run.
            var (pid, _, _) = await ours.StartRunningAsync();
            var sequence = ours.Manager.Current.Sequence;
            var cpuBefore = Environment.CpuUsage.TotalTime;
            var busyBefore = BusyJiffies();
            var killed = Clock.Now();
            _ = Native.kill(pid, Native.SIGKILL);
            var (next, running) = await ours.Events.WaitAsync(sequence, e => e.Status == GatewayStatus.Running && e.ProcessId != pid, TimeSpan.FromSeconds(30));
            var newPid = next.ProcessId!.Value;
            var hostCpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds;
            var busy = (BusyJiffies() - busyBefore) * 10.0;
            var first200 = await ours.Stamps.WaitAsync("first200", newPid);
            if (i > 0)
            {
                into["crashRestart.hostCpu"].Add(hostCpu);
                into["crashRestart.machineBusy"].Add(busy);
                // Where the time goes: the old run's exit seen, the new one spawned, its main(), its listen(), our probe's first 200.
                var (_, exitSeen) = await ours.Events.WaitAsync(sequence, _ => true, TimeSpan.FromSeconds(1));
                var (_, spawned) = await ours.Events.WaitAsync(sequence, e => e.ProcessId == newPid, TimeSpan.FromSeconds(1));
                into["crashRestart"].Add(Clock.Ms(running - killed));
                into["crashRestart.first200"].Add(Clock.Ms(first200 - killed));
                into["crashRestart.exitSeen"].Add(Clock.Ms(exitSeen - killed));
                into["crashRestart.spawned"].Add(Clock.Ms(spawned - killed));
                into["crashRestart.main"].Add(Clock.Ms(await ours.Stamps.WaitAsync("main", newPid) - killed));
                var listen = await ours.Stamps.WaitAsync("listen", newPid);
                into["crashRestart.listen"].Add(Clock.Ms(listen - killed));
                into["crashRestart.listenTo200"].Add(Clock.Ms(first200 - listen));
                var accepted = await ours.Stamps.WaitAsync("accepted", newPid);
                var read = await ours.Stamps.WaitAsync("read", newPid);
                into["crashRestart.listenToAccept"].Add(Clock.Ms(accepted - listen));
                into["crashRestart.listenToAcceptCalled"].Add(Clock.Ms(await ours.Stamps.WaitAsync("acceptCalled", newPid) - listen));
                into["crashRestart.acceptToRead"].Add(Clock.Ms(read - accepted));
                into["crashRestart.readTo200"].Add(Clock.Ms(first200 - read));
            }

            await ours.StopAsync();
        }
    }

    /// <summary>
    /// Issue 11's host rows in one go. The JIT sample host, the Native AOT one (when <paramref name="aotExecutable"/> is given) and
    /// the library alone in a console host (runtime defaults, and spin limit 0) start together and warm up together for
    /// <paramref name="warmUp"/> from their start (a JIT host re-compiles its hot methods in the background for its first
    /// minute or two: with health every 2 s a method reaches the 30-call tier-up threshold after ~60 s, twice with tiered PGO,
    /// the console host's default); then each one's idle CPU is measured in turn, with the others idle beside it. Then, on each
    /// sample host, <c>POST /api/gateway/start</c> → response after <see cref="PostWarmUpCycles"/> untimed stop/start cycles,
    /// and in this process the same library's StartAsync answer against its own spawn, timed around the process layer.
    /// </summary>
    public static async Task HostsAsync(string directory, string? aotExecutable, int repetitions, TimeSpan warmUp, Measurements into)
    {
        var started = Stopwatch.StartNew();
        var jitStarting = BenchSampleHost.StartAsync(Directory.CreateDirectory(Path.Combine(directory, "jit")).FullName);
        var aotStarting = aotExecutable is null ? null : BenchSampleHost.StartAsync(Directory.CreateDirectory(Path.Combine(directory, "aot")).FullName, aotExecutable);
        using var console = StartConsoleHost(spin: true);
        using var consoleNoSpin = StartConsoleHost(spin: false);
        BenchSampleHost? jit = null;
        BenchSampleHost? aot = null;
        try
        {
            jit = await jitStarting;
            aot = aotStarting is null ? null : await aotStarting;
            if (warmUp - started.Elapsed is { Ticks: > 0 } remaining)
            {
                await Task.Delay(remaining);
            }

            Console.Error.WriteLine($"hosts: warmed up for {started.Elapsed.TotalSeconds:0} s; idle CPU of each in turn...");
            await IdleAsync(jit.ProcessId, "jit", into);
            if (aot is not null)
            {
                await IdleAsync(aot.ProcessId, "aot", into);
            }

            await IdleAsync(console.Id, "console", into);
            into["console.rss"].Add(BenchSampleHost.ReadMemory(console.Id).Rss / 1048576.0);
            await IdleAsync(consoleNoSpin.Id, "console.nospin", into);
            await StopAsync(console);
            await StopAsync(consoleNoSpin);
            foreach (var (host, prefix) in new[] { (jit, "jit"), (aot, "aot") })
            {
                if (host is null)
                {
                    continue;
                }

                var memory = host.Memory();
                into[$"{prefix}.rss"].Add(memory.Rss / 1048576.0);
                into[$"{prefix}.anon"].Add(memory.Anonymous / 1048576.0);
                into[$"{prefix}.pss"].Add(Pss(host.ProcessId) / 1048576.0);
            }

            Console.Error.WriteLine("hosts: POST /api/gateway/start...");
            await PostStartAsync(jit, "jit", repetitions, into);
            if (aot is not null)
            {
                await PostStartAsync(aot, "aot", repetitions, into);
            }
        }
        finally
        {
            if (!console.HasExited)
            {
                await StopAsync(console);
            }

            if (!consoleNoSpin.HasExited)
            {
                await StopAsync(consoleNoSpin);
            }

            if (aot is not null)
            {
                await aot.DisposeAsync();
            }

            if (jit is not null)
            {
                await jit.DisposeAsync();
            }
        }

        await InProcessStartAsync(directory, repetitions, into);
    }

    private static async Task PostStartAsync(BenchSampleHost host, string prefix, int repetitions, Measurements into)
    {
        for (var i = 0; i < PostWarmUpCycles + repetitions; i++)
        {
            await host.PostAsync("stop");
            await host.WaitForStatusAsync("stopped", TimeSpan.FromSeconds(30));
            if (i == PostWarmUpCycles)
            {
                // The tier-1 compiles queued by the last warm-up cycles land in the background.
                await Task.Delay(TimeSpan.FromSeconds(1));
            }

            var requested = Clock.Now();
            await host.PostAsync("start");
            var answered = Clock.Now();
            await host.WaitForStatusAsync("running", TimeSpan.FromSeconds(30));
            if (i >= PostWarmUpCycles)
            {
                into[$"{prefix}.postStart"].Add(Clock.Ms(answered - requested));
            }
        }
    }

    /// <summary>
    /// In this process, the library's StartAsync against the bench child (cgroup containment as root, pipes): the answer, and the
    /// spawn itself timed around the process layer (<see cref="TimingLauncher"/>) in the same start, after the same untimed cycles.
    /// </summary>
    private static async Task InProcessStartAsync(string directory, int repetitions, Measurements into)
    {
        await using var ours = OursHarness.Healthy(directory);
        for (var i = 0; i < PostWarmUpCycles + repetitions; i++)
        {
            var (_, requested, _) = await ours.StartRunningAsync();
            if (i >= PostWarmUpCycles)
            {
                var answer = Clock.Ms(ours.LastStartAnswered - requested);
                into["inproc.startAnswer"].Add(answer);
                into["inproc.spawn"].Add(ours.Launcher.LastStartMs);
                into["inproc.beyondSpawn"].Add(answer - ours.Launcher.LastStartMs);
            }

            await ours.StopAsync();
        }
    }

    private static Process StartConsoleHost(bool spin)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (!spin)
        {
            // What the sample host sets in its project (System.Threading.ThreadPool.UnfairSemaphoreSpinLimit=0), through the environment.
            info.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        }

        info.ArgumentList.Add(typeof(HostScenarios).Assembly.Location);
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

    /// <summary>A supervisor's idle CPU (a peer's pid) with its gateway running.</summary>
    public static Task IdleAsync(int pid, string prefix, Measurements into) => MeasureIdleAsync(pid, prefix, into);

    /// <summary>This process's resident memory before a flood of <paramref name="lines"/>, and 30 s after it.</summary>
    public static async Task RssAfterFloodAsync(string directory, int lines, Measurements into)
    {
        var sink = new CountingSink(lines);
        await using var ours = new OursHarness(directory, ["flood", "--lines", lines.ToString(CultureInfo.InvariantCulture)], [sink]);
        into["flood.rssBefore"].Add(BenchSampleHost.ReadMemory(Environment.ProcessId).Rss / 1048576.0);
        var sequence = ours.Manager.Current.Sequence;
        _ = await ours.Manager.StartAsync();
        _ = await ours.Events.WaitAsync(sequence, e => e.Status == GatewayStatus.Stopped, TimeSpan.FromSeconds(120));
        into["flood.rssRightAfter"].Add(BenchSampleHost.ReadMemory(Environment.ProcessId).Rss / 1048576.0);
        await Task.Delay(TimeSpan.FromSeconds(30));
        into["flood.rss30s"].Add(BenchSampleHost.ReadMemory(Environment.ProcessId).Rss / 1048576.0);
    }

    private static async Task MeasureIdleAsync(int pid, string prefix, Measurements into)
    {
        var (perfMs, tickMs) = await CpuMeter.MeasureAsync(pid, IdleWindow);
        var per5s = 5 / IdleWindow.TotalSeconds;
        into[$"{prefix}.idleCpu"].Add(perfMs * per5s);
        into[$"{prefix}.idleCpuTicks"].Add(tickMs * per5s);
    }

    // CPU time all cores spent outside idle and iowait since boot, in jiffies (10 ms).
    internal static long BusyJiffies()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long busy = 0;
        for (var i = 1; i < fields.Length; i++)
        {
            if (i is not 4 and not 5)
            {
                busy += long.Parse(fields[i], CultureInfo.InvariantCulture);
            }
        }

        return busy;
    }

    private static long Pss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
        {
            if (line.StartsWith("Pss:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }
}
