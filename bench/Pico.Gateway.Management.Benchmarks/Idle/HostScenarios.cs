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

    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(30);

    // Tiered compilation re-compiles hot methods for the first seconds of a JIT host's life: idle is measured after it.
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(20);

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
            }

            await ours.StopAsync();
        }
    }

    /// <summary>The sample host (JIT, or the Native AOT executable): idle CPU and memory with the gateway running, then POST start → response.</summary>
    public static async Task SampleHostAsync(string directory, string prefix, string? aotExecutable, int repetitions, Measurements into)
    {
        await using var host = await BenchSampleHost.StartAsync(directory, aotExecutable);
        await Task.Delay(WarmUp);
        await IdleAsync(host.ProcessId, prefix, into);
        var memory = host.Memory();
        into[$"{prefix}.rss"].Add(memory.Rss / 1048576.0);
        into[$"{prefix}.anon"].Add(memory.Anonymous / 1048576.0);
        into[$"{prefix}.pss"].Add(Pss(host.ProcessId) / 1048576.0);
        for (var i = 0; i < repetitions + 1; i++)
        {
            await host.PostAsync("stop");
            await host.WaitForStatusAsync("stopped", TimeSpan.FromSeconds(30));
            var requested = Clock.Now();
            await host.PostAsync("start");
            var answered = Clock.Now();
            await host.WaitForStatusAsync("running", TimeSpan.FromSeconds(30));
            if (i > 0)
            {
                into[$"{prefix}.postStart"].Add(Clock.Ms(answered - requested));
            }
        }
    }

    /// <summary>The library alone: a console host with <c>AddGatewayManagement()</c> and the default probe (<see cref="ConsoleHost"/>).</summary>
    public static async Task ConsoleHostAsync(Measurements into)
    {
        await ConsoleHostAsync("console", spin: true, into);
        await ConsoleHostAsync("console.nospin", spin: false, into);
    }

    /// <summary>
    /// One console host; <paramref name="spin"/> false sets what the sample host sets in its project
    /// (System.Threading.ThreadPool.UnfairSemaphoreSpinLimit=0), through the environment.
    /// </summary>
    private static async Task ConsoleHostAsync(string prefix, bool spin, Measurements into)
    {
        var port = FreePort.Next();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (!spin)
        {
            info.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        }

        info.ArgumentList.Add(typeof(HostScenarios).Assembly.Location);
        info.ArgumentList.Add("console-host");
        info.ArgumentList.Add("--port");
        info.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        using var process = Process.Start(info)!;
        try
        {
            await Task.Delay(WarmUp);
            await IdleAsync(process.Id, prefix, into);
            into[$"{prefix}.rss"].Add(BenchSampleHost.ReadMemory(process.Id).Rss / 1048576.0);
        }
        finally
        {
            _ = Native.kill(process.Id, Native.SIGTERM);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
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
