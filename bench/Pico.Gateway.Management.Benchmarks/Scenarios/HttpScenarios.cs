using System.Text;
using Pico.Gateway.Management.Benchmarks.Infrastructure;

namespace Pico.Gateway.Management.Benchmarks.Scenarios;

/// <summary>Scenarios 6-8 against the sample host over loopback: status at a fixed rate, SSE fan-out, resident memory.</summary>
internal static class HttpScenarios
{
    /// <summary>
    /// (6) GET /api/gateway/status, open loop: request i is due at start + i/rate and its latency counts from that moment
    /// (no coordinated omission: a stall delays every request due during it). Bounded: rate × seconds requests, 60 s at most.
    /// </summary>
    public static async Task StatusLoadAsync(BenchSampleHost host, int rate, int seconds, Measurements into)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 256 })
        {
            BaseAddress = host.BaseUri,
            Timeout = TimeSpan.FromSeconds(10),
        };
        var uri = new Uri("api/gateway/status", UriKind.Relative);
        for (var i = 0; i < 500; i++)
        {
            using var warm = await client.GetAsync(uri);
        }

        var total = rate * seconds;
        var latencies = new double[total];
        var failures = 0;
        var pending = new Task[total];
        var interval = 1_000_000_000L / rate;
        var start = Clock.Now() + 10_000_000;
        var dispatcher = new Thread(() =>
        {
            var next = 0;
            var giveUp = start + 60_000_000_000L;
            while (next < total && Clock.Now() < giveUp)
            {
                var now = Clock.Now();
                while (next < total && start + (next * interval) <= now)
                {
                    pending[next] = SendAsync(next, start + (next * interval));
                    next++;
                }

                Thread.Sleep(0 < (start + (next * interval) - Clock.Now()) ? 1 : 0);
            }
        })
        { Name = "load", IsBackground = true };

        async Task SendAsync(int index, long due)
        {
            try
            {
                using var response = await client.GetAsync(uri);
                _ = await response.Content.ReadAsByteArrayAsync();
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failures);
                }
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref failures);
            }

            latencies[index] = Clock.Ms(Clock.Now() - due);
        }

        var began = Clock.Now();
        dispatcher.Start();
        dispatcher.Join();
        await Task.WhenAll(pending.Where(task => task is not null)).WaitAsync(TimeSpan.FromSeconds(60));
        var elapsed = Clock.Now() - began;
        into["http.status"].AddRange(latencies);
        into["http.status.failures"].Add(failures);
        into["http.status.achievedRate"].Add(total / (elapsed / 1e9));
    }

    /// <summary>
    /// (7) and (8): <paramref name="clients"/> SSE clients, then stop/start cycles through the API; each client's delivery time of
    /// the first event after each request counts from the moment the request was sent (an upper bound: it includes the POST).
    /// </summary>
    public static async Task SseFanOutAsync(BenchSampleHost host, int clients, int cycles, Measurements into)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = clients + 16 })
        {
            BaseAddress = host.BaseUri,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var readers = new SseReader[clients];
        for (var i = 0; i < clients; i++)
        {
            readers[i] = new SseReader();
            readers[i].Run(client, stop.Token);
        }

        foreach (var reader in readers)
        {
            await reader.WaitForCountAsync(1, TimeSpan.FromSeconds(60));
        }

        await Task.Delay(1000);
        var rss = host.Memory();
        into["memory.sse.rss"].Add(rss.Rss / 1048576.0);

        foreach (var (action, status) in Enumerable.Repeat(new[] { ("stop", "stopped"), ("start", "running") }, cycles).SelectMany(pair => pair))
        {
            var seen = readers.Select(reader => reader.Count).ToArray();
            var requested = Clock.Now();
            await host.PostAsync(action);
            for (var i = 0; i < clients; i++)
            {
                var (stamp, _) = await readers[i].WaitForMessageAsync(seen[i], TimeSpan.FromSeconds(30));
                into["events.sse"].Add(Clock.Ms(stamp - requested));
            }

            await host.WaitForStatusAsync(status, TimeSpan.FromSeconds(30));
            foreach (var reader in readers)
            {
                await reader.WaitForStatusAsync(status, TimeSpan.FromSeconds(30));
            }
        }

        into["events.sse.connected"].Add(readers.Count(reader => !reader.Failed));
        await stop.CancelAsync();
    }

    private sealed class SseReader
    {
        private readonly Lock _gate = new();
        private readonly List<(long Stamp, string Status)> _messages = [];
        private readonly ChangeSignal _changed = new();

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _messages.Count;
                }
            }
        }

        public bool Failed { get; private set; }

        public void Run(HttpClient client, CancellationToken cancellationToken) => _ = RunAsync(client, cancellationToken);

        public Task WaitForCountAsync(int count, TimeSpan timeout) => WaitAsync(messages => messages.Count >= count, timeout);

        public async Task<(long Stamp, string Status)> WaitForMessageAsync(int after, TimeSpan timeout)
        {
            await WaitAsync(messages => messages.Count > after, timeout);
            lock (_gate)
            {
                return _messages[after];
            }
        }

        public Task WaitForStatusAsync(string status, TimeSpan timeout) =>
            WaitAsync(messages => messages.Count > 0 && messages[^1].Status == status, timeout);

        private async Task WaitAsync(Func<List<(long Stamp, string Status)>, bool> condition, TimeSpan timeout)
        {
            var met = false;
            await _changed.WaitUntilAsync(
                () =>
                {
                    lock (_gate)
                    {
                        met = condition(_messages);
                    }

                    return met || Failed;
                },
                timeout);
            if (!met)
            {
                throw new TimeoutException("an SSE client did not get the expected message");
            }
        }

        private async Task RunAsync(HttpClient client, CancellationToken cancellationToken)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/gateway/events", UriKind.Relative));
                request.Headers.Accept.ParseAdd("text/event-stream");
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
                while (await reader.ReadLineAsync(cancellationToken) is { } line)
                {
                    if (!line.StartsWith("data: ", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    var stamp = Clock.Now();
                    var at = line.IndexOf("\"gateway_status\":\"", StringComparison.Ordinal) + 18;
                    var status = at >= 18 ? line[at..line.IndexOf('"', at)] : "?";
                    lock (_gate)
                    {
                        _messages.Add((stamp, status));
                    }

                    _changed.Pulse();
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
            {
            }
            finally
            {
                Failed = !cancellationToken.IsCancellationRequested;
                _changed.Pulse();
            }
        }
    }
}
