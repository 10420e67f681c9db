using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Pico.Gateway.Management.Benchmarks.Infrastructure;

namespace Pico.Gateway.Management.Benchmarks.Scenarios;

/// <summary>
/// <c>stuck-clients</c>: the sample host's event stream under abuse. The gateway answers every health probe (every 50 ms)
/// with a ~20 KB body, alternately 200 and 503, so every probe is a state change (running, error, running...) and the host
/// publishes 20 snapshots a second, every running one ~20 KB (the error ones carry no body): 200 KB/s per client. After an idle
/// phase, N clients open <c>/api/gateway/events</c> and never read for the hold time, then close. Measured: the host's RSS
/// (idle, peak while they are connected, 30 s after they close), how many the host dropped, and one normal client's
/// event latency throughout (from the gateway's answer, stamped with CLOCK_MONOTONIC in the body, to the client's read).
/// Targets (issue 14): peak at most idle + 50 MiB, back within 10 % of idle 30 s after, p99 under 50 ms.
/// </summary>
internal static class StuckClientsScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        var clients = Option(args, "--clients", 500);
        var bodyBytes = Option(args, "--body-bytes", 20_000);
        var idleSeconds = Option(args, "--idle", 15);
        var holdSeconds = Option(args, "--hold", 60);
        var afterSeconds = Option(args, "--after", 30);
        var outPath = args.SkipWhile(arg => arg != "--out").Skip(1).FirstOrDefault();

        var hostArguments = args.Select((arg, i) => (arg, i)).Where(pair => pair.arg == "--host-arg" && pair.i + 1 < args.Length).Select(pair => args[pair.i + 1]).ToArray();
        using var directory = new TempDirectory("pico-stuck");
        await using var host = await BenchSampleHost.StartAsync(directory.Path, aotExecutable: null, port =>
        [
            .. hostArguments,
            $"--Gateway:ExecutablePath={Paths.Child}",
            "--Gateway:Arguments:0=healthy",
            "--Gateway:Arguments:1=--port",
            $"--Gateway:Arguments:2={port}",
            "--Gateway:Arguments:3=--body-bytes",
            $"--Gateway:Arguments:4={bodyBytes}",
            "--Gateway:HealthCheckInterval=00:00:00.050",
        ]);

        using var normal = new LatencyReader();
        normal.Run(host.BaseUri);
        await normal.WaitForEventsAsync(20, TimeSpan.FromSeconds(60));

        // Idle: events flowing to the normal client only.
        normal.Phase = "idle";
        var idleRss = await SampleRssAsync(host, TimeSpan.FromSeconds(idleSeconds));
        var idle = idleRss.Skip(idleRss.Count / 2).Average();
        var idleAnonymous = LastAnonymous;

        // Stuck clients: connected, request sent, nothing ever read.
        normal.Phase = "stuck";
        var stuck = new List<Socket>(clients);
        var request = Encoding.ASCII.GetBytes(
            $"GET /api/gateway/events HTTP/1.1\r\nHost: {host.BaseUri.Authority}\r\nAccept: text/event-stream\r\n\r\n");
        for (var i = 0; i < clients; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(host.BaseUri.Host, host.BaseUri.Port);
            await socket.SendAsync(request);
            stuck.Add(socket);
        }

        var holdRss = await SampleRssAsync(host, TimeSpan.FromSeconds(holdSeconds));
        var peak = holdRss.Max();
        var holdAnonymous = LastAnonymous;
        var dropped = stuck.Count(ClosedByServer);
        foreach (var socket in stuck)
        {
            socket.Dispose();
        }

        // After: the stuck clients are gone; memory should come back.
        normal.Phase = "after";
        var afterRss = await SampleRssAsync(host, TimeSpan.FromSeconds(afterSeconds));
        var after = afterRss[^1];
        var afterAnonymous = LastAnonymous;
        normal.Phase = "done";

        var load = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Stuck event-stream clients: {clients} clients that never read, ~{bodyBytes / 1000} KB events 10 times a second (and 10 small ones), held {holdSeconds} s, then {afterSeconds} s after they close.");
        report.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, load average at the end {string.Join(' ', load)}.");
        report.AppendLine();
        report.AppendLine("| measure | value | target | verdict |");
        report.AppendLine("|---|---|---|---|");
        report.AppendLine(CultureInfo.InvariantCulture, $"| RSS idle (mean of the last half of {idleSeconds} s) | {Mib(idle)} | | |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| RSS peak while stuck clients are connected | {Mib(peak)} (+{Mib(peak - idle)}) | at most +50 MiB | {Verdict(peak - idle <= 50 * 1048576.0)} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| RSS {afterSeconds} s after they closed | {Mib(after)} ({(after - idle) / idle * 100:+0.0;-0.0} % of idle) | within 10 % of idle | {Verdict(Math.Abs(after - idle) <= idle * 0.10)} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| of which anonymous: idle, end of hold, after | {Mib(idleAnonymous)}, {Mib(holdAnonymous)}, {Mib(afterAnonymous)} | | |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| GC settings of the run (DOTNET_GC* in the environment) | {GcEnvironment()} | | |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| host arguments of the run | {(hostArguments.Length == 0 ? "none" : string.Join(' ', hostArguments))} | | |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| stuck clients the host dropped | {dropped} of {clients} | | |");
        foreach (var line in host.Output.Split('\n').Where(line => line.Contains("Reclaimed memory", StringComparison.Ordinal)))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| the host's log | {line.Trim()} | | |");
        }

        foreach (var phase in new[] { "idle", "stuck", "after" })
        {
            var latencies = normal.Latencies(phase);
            var p99 = Stats.Percentile(latencies, 99);
            report.AppendLine(CultureInfo.InvariantCulture, $"| normal client's event latency, {phase} | p50 {Stats.Median(latencies):0.0} ms, p99 {p99:0.0} ms, max {(latencies.Count > 0 ? latencies.Max() : double.NaN):0.0} ms (n={latencies.Count}) | p99 under 50 ms | {Verdict(p99 < 50)} |");
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"| normal client still connected at the end | {(normal.Failed ? "no" : "yes")} | yes | {Verdict(!normal.Failed)} |");
        Console.WriteLine(report);
        if (outPath is not null)
        {
            await ReportFile.WriteAsync(outPath, report.ToString());
        }

        return 0;
    }

    private static string GcEnvironment()
    {
        var settings = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(key => key.StartsWith("DOTNET_GC", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(key => $"{key}={Environment.GetEnvironmentVariable(key)}");
        var text = string.Join(", ", settings);
        return text.Length == 0 ? "the csproj's (workstation, non-concurrent)" : text;
    }

    private static string Mib(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MiB");

    private static string Verdict(bool met) => met ? "met" : "**missed**";

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static async Task<List<double>> SampleRssAsync(BenchSampleHost host, TimeSpan duration)
    {
        var samples = new List<double>();
        var end = Clock.Now() + (long)duration.TotalNanoseconds;
        while (true)
        {
            var memory = host.Memory();
            samples.Add(memory.Rss);
            LastAnonymous = memory.Anonymous;
            if (Clock.Now() >= end)
            {
                return samples;
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Gets the anonymous part of the last RSS sample (managed heaps, Kestrel's buffers), the part the GC settings move.</summary>
    private static double LastAnonymous { get; set; }

    /// <summary>Drains what the socket holds (after the measurement): an end of stream means the host closed it, i.e. dropped the client.</summary>
    private static bool ClosedByServer(Socket socket)
    {
        socket.Blocking = false;
        var buffer = new byte[65536];
        try
        {
            while (true)
            {
                if (socket.Receive(buffer) == 0)
                {
                    return true;
                }
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.WouldBlock)
        {
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    /// <summary>A client that reads every event and records, per phase, the time from the gateway's answer to the read.</summary>
    private sealed class LatencyReader : IDisposable
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, List<double>> _latencies = [];
        private readonly ChangeSignal _changed = new();
        private readonly CancellationTokenSource _stop = new();
        private int _events;

        public volatile string Phase = "warmup";

        public bool Failed { get; private set; }

        public void Run(Uri baseUri) => _ = ReadAsync(baseUri);

        public IReadOnlyCollection<double> Latencies(string phase)
        {
            lock (_gate)
            {
                return _latencies.TryGetValue(phase, out var list) ? [.. list] : [];
            }
        }

        public async Task WaitForEventsAsync(int count, TimeSpan guard)
        {
            if (!await _changed.WaitUntilAsync(() => Volatile.Read(ref _events) >= count || Failed, guard) || Failed)
            {
                throw new TimeoutException("the normal client got no events");
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _stop.Dispose();
        }

        private async Task ReadAsync(Uri baseUri)
        {
            try
            {
                using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = baseUri, Timeout = Timeout.InfiniteTimeSpan };
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/gateway/events", UriKind.Relative));
                request.Headers.Accept.ParseAdd("text/event-stream");
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _stop.Token);
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token), Encoding.UTF8);
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    var now = Clock.Now();
                    var at = line.IndexOf("\"t\":", StringComparison.Ordinal);
                    if (!line.StartsWith("data: ", StringComparison.Ordinal) || at < 0)
                    {
                        continue;
                    }

                    var end = line.IndexOfAny([',', '}'], at + 4);
                    var stamp = long.Parse(line.AsSpan(at + 4, end - at - 4), CultureInfo.InvariantCulture);
                    lock (_gate)
                    {
                        var phase = Phase;
                        if (!_latencies.TryGetValue(phase, out var list))
                        {
                            _latencies[phase] = list = [];
                        }

                        list.Add(Clock.Ms(now - stamp));
                    }

                    Interlocked.Increment(ref _events);
                    _changed.Pulse();
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
            {
            }
            finally
            {
                Failed = !_stop.IsCancellationRequested;
                _changed.Pulse();
            }
        }
    }
}
