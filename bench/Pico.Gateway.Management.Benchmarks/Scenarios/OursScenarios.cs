using System.Diagnostics;
using Pico.Gateway.Management.Benchmarks.Infrastructure;

namespace Pico.Gateway.Management.Benchmarks.Scenarios;

/// <summary>Scenarios 1-5 and the in-process halves of 6 and 7, against the library with the bench child.</summary>
internal static class OursScenarios
{
    /// <summary>(1) first 200 on /health → running event, and (3) the gateway's own exit → stopped event, on the same starts.</summary>
    public static async Task ReadinessAndGracefulStopAsync(string directory, int repetitions, Measurements into)
    {
        await using var ours = OursHarness.Healthy(directory);
        for (var i = 0; i < repetitions + 1; i++)
        {
            var (pid, requested, running) = await ours.StartRunningAsync();
            var first200 = await ours.Stamps.WaitAsync("first200", pid);
            var listen = await ours.Stamps.WaitAsync("listen", pid);

            var exit = ExitWatch.Start(pid);
            var sequence = ours.Manager.Current.Sequence;
            var stopRequested = Clock.Now();
            var stop = await ours.Manager.StopAsync();
            var (_, stopped) = await ours.Events.WaitAsync(sequence, e => e.Status == GatewayStatus.Stopped);
            var exited = await exit.WaitAsync();
            await stop.Exited;
            if (i == 0)
            {
                continue; // warm-up: JIT of the probe, the state machine and the spawn path
            }

            into["readiness"].Add(Clock.Ms(running - first200));
            into["readiness.listen"].Add(Clock.Ms(running - listen));
            into["readiness.spawn"].Add(Clock.Ms(running - requested));
            into["start.answer"].Add(Clock.Ms(ours.LastStartAnswered - requested));
            into["start.spawn"].Add(ours.Launcher.LastStartMs);
            into["start.beyondSpawn"].Add(Clock.Ms(ours.LastStartAnswered - requested) - ours.Launcher.LastStartMs);
            into["graceful"].Add(Clock.Ms(stopped - exited));
            into["graceful.request"].Add(Clock.Ms(stopped - stopRequested));
        }
    }

    /// <summary>
    /// (1) for the push modes: the child says it is ready (READY=1 on the notify socket, or a line on stdout, stamped just before)
    /// → the running event. Nothing is polled: no HTTP, no probe interval.
    /// </summary>
    public static async Task PushReadinessAsync(string directory, int repetitions, GatewayReadinessMode mode, Measurements into)
    {
        var key = mode == GatewayReadinessMode.Notify ? "readiness.notify" : "readiness.outputLine";
        await using var ours = new OursHarness(
            directory,
            [mode == GatewayReadinessMode.Notify ? "notify" : "ready-line"],
            configure: options =>
            {
                options.Readiness.Mode = mode;
                options.Readiness.OutputPattern = "^gateway ready$";
                options.Readiness.Liveness = GatewayLivenessMode.None;
            });
        for (var i = 0; i < repetitions + 1; i++)
        {
            var (pid, _, running) = await ours.StartRunningAsync();
            var ready = await ours.Stamps.WaitAsync("ready", pid);
            await ours.StopAsync();
            if (i > 0)
            {
                into[key].Add(Clock.Ms(running - ready));
            }
        }
    }

    /// <summary>(2) SIGKILL of the gateway → stopped event; also SIGKILL → the kernel's exit notification, which no supervisor can beat.</summary>
    public static async Task CrashAsync(string directory, int repetitions, Measurements into)
    {
        await using var ours = OursHarness.Healthy(directory);
        for (var i = 0; i < repetitions + 1; i++)
        {
            var (pid, _, _) = await ours.StartRunningAsync();
            var exit = ExitWatch.Start(pid);
            var sequence = ours.Manager.Current.Sequence;
            var killed = Clock.Now();
            _ = Native.kill(pid, Native.SIGKILL);
            var (_, stopped) = await ours.Events.WaitAsync(sequence, e => e.Status == GatewayStatus.Stopped);
            var exited = await exit.WaitAsync();
            if (i == 0)
            {
                continue;
            }

            into["crash"].Add(Clock.Ms(stopped - killed));
            into["crash.kernel"].Add(Clock.Ms(exited - killed));
            into["crash.afterExit"].Add(Clock.Ms(stopped - exited));
        }
    }

    /// <summary>(4) restart request → the new gateway's running event.</summary>
    public static async Task RestartAsync(string directory, int repetitions, Measurements into)
    {
        await using var ours = OursHarness.Healthy(directory);
        var (pid, _, _) = await ours.StartRunningAsync();
        for (var i = 0; i < repetitions + 1; i++)
        {
            var sequence = ours.Manager.Current.Sequence;
            var requested = Clock.Now();
            var restarted = await ours.Manager.RestartAsync();
            var newPid = restarted.ProcessId ?? throw new InvalidOperationException($"restart failed: {restarted.Message}");
            var (_, running) = await ours.Events.WaitAsync(sequence, e => e.Status == GatewayStatus.Running && e.ProcessId == newPid);
            var first200 = await ours.Stamps.WaitAsync("first200", newPid);
            if (i > 0)
            {
                into["restart"].Add(Clock.Ms(running - requested));
                into["restart.first200"].Add(Clock.Ms(first200 - requested));
            }

            pid = newPid;
        }

        await ours.StopAsync();
    }

    /// <summary>
    /// (4) baseline: the gateway's own start and stop with no supervisor. Start is spawn → its first 200 on /health (stamped by the
    /// child as it sends it), with a client that retries at once when refused, so the figure is the gateway's, not a poll interval's;
    /// stop is SIGTERM → exit (pidfd).
    /// </summary>
    public static async Task OwnStopStartAsync(string directory, int repetitions, Measurements into)
    {
        var stamps = new StampFile(Path.Combine(directory, "own-stamps.txt"));
        var port = FreePort.Next();
        for (var i = 0; i < repetitions + 1; i++)
        {
            var info = new ProcessStartInfo(Paths.Child) { UseShellExecute = false };
            foreach (var argument in new[] { "healthy", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--stamps", stamps.Path })
            {
                info.ArgumentList.Add(argument);
            }

            if (i == 1)
            {
                // Timed like the crash restart it is compared with: with this process's JIT quiet.
                await JitQuiescence.WaitAsync(TimeSpan.FromSeconds(15));
            }

            var cpuBefore = Environment.CpuUsage.TotalTime;
            var busyBefore = Idle.HostScenarios.BusyJiffies();
            var spawned = Clock.Now();
            using var process = Process.Start(info)!;
            await Task.Run(() => HammerHealth(port));
            var hostCpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds;
            var busy = (Idle.HostScenarios.BusyJiffies() - busyBefore) * 10.0;
            var first200 = await stamps.WaitAsync("first200", process.Id);
            var exit = ExitWatch.Start(process.Id);
            var terminated = Clock.Now();
            _ = Native.kill(process.Id, Native.SIGTERM);
            var exited = await exit.WaitAsync();
            await process.WaitForExitAsync();
            if (i == 0)
            {
                continue;
            }

            into["own.start"].Add(Clock.Ms(first200 - spawned));
            into["own.hostCpu"].Add(hostCpu);
            into["own.machineBusy"].Add(busy);
            into["own.main"].Add(Clock.Ms(await stamps.WaitAsync("main", process.Id) - spawned));
            var listen = await stamps.WaitAsync("listen", process.Id);
            into["own.listen"].Add(Clock.Ms(listen - spawned));
            into["own.listenTo200"].Add(Clock.Ms(first200 - listen));
            var accepted = await stamps.WaitAsync("accepted", process.Id);
            var read = await stamps.WaitAsync("read", process.Id);
            into["own.listenToAccept"].Add(Clock.Ms(accepted - listen));
            into["own.listenToAcceptCalled"].Add(Clock.Ms(await stamps.WaitAsync("acceptCalled", process.Id) - listen));
            into["own.acceptToRead"].Add(Clock.Ms(read - accepted));
            into["own.readTo200"].Add(Clock.Ms(first200 - read));
            into["own.stop"].Add(Clock.Ms(exited - terminated));
            into["own.stopStart"].Add(Clock.Ms(first200 - spawned + (exited - terminated)));
        }
    }

    /// <summary>(5) a child writing <paramref name="lines"/> short lines through the manager into the ring buffer and a counting sink.</summary>
    public static async Task FloodAsync(string directory, int repetitions, int lines, Measurements into)
    {
        var sink = new CountingSink(lines);
        await using var ours = new OursHarness(directory, ["flood", "--lines", lines.ToString(System.Globalization.CultureInfo.InvariantCulture)], [sink]);
        for (var i = 0; i < repetitions + 1; i++)
        {
            sink.Reset();
            var gcs = GC.CollectionCount(0);
            var sequence = ours.Manager.Current.Sequence;
            var requested = Clock.Now();
            var started = await ours.Manager.StartAsync();
            var pid = started.ProcessId ?? throw new InvalidOperationException(started.Message);
            var (_, stopped) = await ours.Events.WaitAsync(sequence, e => e.Status == GatewayStatus.Stopped, TimeSpan.FromSeconds(120));
            var floodStart = await ours.Stamps.WaitAsync("flood-start", pid);
            var floodEnd = await ours.Stamps.WaitAsync("flood-end", pid);
            var captured = sink.Count;
            var buffered = ours.Logs.Total;
            if (i == 0)
            {
                continue;
            }

            into["flood.lost"].Add(lines - captured);
            into["flood.bufferLost"].Add(lines - buffered);
            if (captured == lines && sink.LastText != $"line {lines}")
            {
                into["flood.lost"].Add(1); // out of order or corrupted: count it as a loss
            }

            into["flood.sinkRate"].Add((lines - 1) / ((sink.LastStamp - sink.FirstStamp) / 1e9));
            if (Environment.GetEnvironmentVariable("PICO_BENCH_FLOOD_EACH") == "1")
            {
                // Every repetition, not only the median: on a shared machine the spread tells noise from a change.
                Console.Error.WriteLine($"flood {i}: {(lines - 1) / ((sink.LastStamp - sink.FirstStamp) / 1e9):N0} lines/s, child writing {Clock.Ms(floodEnd - floodStart):0.0} ms, tail after its last write {Clock.Ms(sink.LastStamp - floodEnd):0.00} ms, first line after its first write {Clock.Ms(sink.FirstStamp - floodStart):0.00} ms, gen0 collections {GC.CollectionCount(0) - gcs}");
            }

            into["flood.endToEndRate"].Add(lines / ((sink.LastStamp - floodStart) / 1e9));
            into["flood.childWriting"].Add(Clock.Ms(floodEnd - floodStart));
            into["flood.wall"].Add(Clock.Ms(stopped - requested));
            into["flood.bytesPerLine"].Add((sink.AllocatedAtLast - sink.AllocatedAtFirst) / (double)(lines - 1));
            into["flood.threadBytesPerLine"].Add((sink.ThreadAllocatedAtLast - sink.ThreadAllocatedAtFirst) / (double)(lines - 1));
            into["flood.stringBytesPerLine"].Add(sink.StringBytes / (double)(lines - 1));
        }
    }

    /// <summary>
    /// (5) baselines: the same child writing to /dev/null, and into a pipe read by cat (the floor of any pipe reader). The shell command
    /// has {child} and {args} to fill in: "exec {child} {args} > /dev/null" or "{child} {args} | cat > /dev/null".
    /// </summary>
    public static async Task FloodBaselineAsync(string directory, int repetitions, int lines, string shell, string prefix, Measurements into)
    {
        var stamps = new StampFile(Path.Combine(directory, $"{prefix}-stamps.txt"));
        for (var i = 0; i < repetitions + 1; i++)
        {
            stamps.Reset();
            var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(shell
                .Replace("{child}", $"'{Paths.Child}'", StringComparison.Ordinal)
                .Replace("{args}", $"flood --lines {lines} --stamps '{stamps.Path}'", StringComparison.Ordinal));
            var spawned = Clock.Now();
            using var process = Process.Start(info)!;
            await process.WaitForExitAsync();
            var ended = Clock.Now();
            var start = stamps.TryGetLatest("flood-start", out _) ?? throw new InvalidOperationException("no flood-start stamp");
            var end = stamps.TryGetLatest("flood-end", out _) ?? throw new InvalidOperationException("no flood-end stamp");
            if (i == 0)
            {
                continue;
            }

            into[$"{prefix}.childWriting"].Add(Clock.Ms(end - start));
            into[$"{prefix}.wall"].Add(Clock.Ms(ended - spawned));
        }
    }

    /// <summary>(6) in process: IGatewayManager.Current, nanoseconds and bytes per read on this thread.</summary>
    public static void StatusRead(Measurements into)
    {
        using var directory = new TempDirectory("pico-status");
        var ours = OursHarness.Healthy(directory.Path);
        IGatewayManager manager = ours.Manager;
        const int Reads = 50_000_000;
        long sequenceSum = 0;
        for (var round = 0; round < 6; round++)
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < Reads; i++)
            {
                sequenceSum += manager.Current.Sequence;
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            var bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
            if (round > 0)
            {
                into["status.ns"].Add(elapsed.TotalNanoseconds / Reads);
                into["status.bytes"].Add(bytes / (double)Reads);
            }
        }

        GC.KeepAlive(sequenceSum);
        ours.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>(7) in process: delivery latency (event timestamp → OnNext) to <paramref name="subscribers"/> subscribers over start/stop cycles.</summary>
    public static async Task EventsInProcessAsync(string directory, int subscribers, int cycles, Measurements into)
    {
        await using var ours = OursHarness.Healthy(directory);
        var latencies = new double[subscribers * cycles * 8];
        var count = new Counter();
        var baseline = ours.Manager.Current.Sequence;
        var subscriptions = new List<IDisposable>(subscribers);
        for (var i = 0; i < subscribers; i++)
        {
            subscriptions.Add(ours.Manager.Events.Subscribe(new LatencyObserver(baseline, latencies, count)));
        }

        for (var cycle = 0; cycle < cycles; cycle++)
        {
            await ours.StartRunningAsync();
            var sequence = ours.Manager.Current.Sequence;
            await ours.StopAsync();
            await ours.Events.WaitAsync(sequence, e => e.Status == GatewayStatus.Stopped);
        }

        var expected = (ours.Manager.Current.Sequence - baseline) * subscribers;
        var deadline = Clock.Now() + 10_000_000_000;
        while (Volatile.Read(ref count.Value) < expected && Clock.Now() < deadline)
        {
            await Task.Delay(10);
        }

        foreach (var subscription in subscriptions)
        {
            subscription.Dispose();
        }

        into["events.inProcess"].AddRange(latencies.AsSpan(0, Math.Min(Volatile.Read(ref count.Value), latencies.Length)).ToArray());
        into["events.inProcess.missing"].Add(expected - Volatile.Read(ref count.Value));
    }

    /// <summary>GET /health until a 200 arrives, reconnecting at once when refused (bounded: 10 s).</summary>
    internal static void HammerHealth(int port)
    {
        var request = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray();
        var buffer = new byte[4096];
        var deadline = Clock.Now() + 10_000_000_000;
        while (Clock.Now() < deadline)
        {
            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            try
            {
                socket.Connect(System.Net.IPAddress.Loopback, port);
                socket.Send(request);
                var read = socket.Receive(buffer);
                if (read > 12 && buffer.AsSpan(0, read).StartsWith("HTTP/1.1 200"u8))
                {
                    return;
                }
            }
            catch (System.Net.Sockets.SocketException)
            {
                Thread.Yield();
            }
        }

        throw new TimeoutException("the gateway never answered /health");
    }

    private sealed class Counter
    {
        public int Value;
    }

    private sealed class LatencyObserver(long baseline, double[] latencies, Counter counter) : IObserver<GatewayEvent>
    {
        public void OnNext(GatewayEvent value)
        {
            var now = DateTimeOffset.UtcNow;
            if (value.Sequence <= baseline)
            {
                return;
            }

            var index = Interlocked.Increment(ref counter.Value) - 1;
            if (index < latencies.Length)
            {
                latencies[index] = (now - value.Timestamp).TotalMilliseconds;
            }
        }

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }
}
