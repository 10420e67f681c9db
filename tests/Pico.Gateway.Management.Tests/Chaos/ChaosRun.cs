using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Supervision;
using Pico.Gateway.Management.Tests.Testing;

namespace Pico.Gateway.Management.Tests.Chaos;

/// <summary>
/// One chaos run: a real gateway (the test child, healthy, with a health file to flap and an exit route to make it exit by itself),
/// the callers' random operations, and every check made along the way. A broken invariant is recorded, not thrown, so the run
/// always reaches its clean-up; the test asserts the record is empty at the end.
/// </summary>
internal sealed class ChaosRun : IAsyncDisposable
{
    /// <summary>The longest any single wait may take; far beyond what a healthy run needs, so only a real hang trips it.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(15);

    /// <summary>Gets how long disposing the manager may take: stopping the gateway (StopTimeout + KillTimeout) and a guard.</summary>
    public TimeSpan DisposeGuard => Gateway.Options.StopTimeout + Gateway.Options.KillTimeout + Guard;

    // How long a caller waits for the gateway to come up, and for the probes to see a health blip, before it moves on regardless.
    private static readonly TimeSpan UpWait = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan BlipWait = TimeSpan.FromSeconds(1);

    private static readonly (ChaosOperation Operation, int Weight)[] Mix =
    [
        (ChaosOperation.ReadStatus, 35),
        (ChaosOperation.ReadLogs, 15),
        (ChaosOperation.ClearLogs, 5),
        (ChaosOperation.Subscribe, 5),
        (ChaosOperation.FlapHealth, 10),
        (ChaosOperation.Start, 13),
        (ChaosOperation.Stop, 2),
        (ChaosOperation.StopAndWait, 2),
        (ChaosOperation.Restart, 2),
        (ChaosOperation.KillChild, 3),
        (ChaosOperation.ChildExits, 3),
        (ChaosOperation.AwaitUp, 5),
    ];

    private static readonly string[] UnhealthyAnswers =
    [
        """503 {"status":"down"}""",
        """200 ["not","an","object"]""",
        "500 not json",
    ];

    private readonly int _seed;
    private readonly string _healthFile;
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = Guard };
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly HealthRequestCounter _healthRequests = new();
    private readonly ConcurrentDictionary<string, int> _outcomes = new(StringComparer.Ordinal);
    private readonly string[] _progress;
    private readonly int _lateSubscriberAfter;
    private readonly int? _disposeAfter;
    private bool _disposing;
    private long _disposeTicks;
    private int _operationsDone;
    private int _previousPid;
    private SequenceChecker? _late;

    /// <param name="seed">Seeds every caller's <see cref="Random"/>.</param>
    /// <param name="callers">How many callers run at once.</param>
    /// <param name="operationsPerCaller">How many operations each caller draws.</param>
    /// <param name="directory">Where the health file lives.</param>
    /// <param name="disposeAfter">When set, the caller that completes this many operations (all callers together) disposes the manager mid-storm.</param>
    public ChaosRun(int seed, int callers, int operationsPerCaller, string directory, int? disposeAfter = null)
    {
        _seed = seed;
        _progress = new string[callers];
        _lateSubscriberAfter = callers * operationsPerCaller / 2;
        _disposeAfter = disposeAfter;
        _healthFile = Path.Combine(directory, "health");
        Gateway = new RealGateway(
            "healthy",
            ["--health-file", _healthFile, "--exit-route", "/exit"],
            sinks: [_healthRequests],
            configure: options =>
            {
                options.RestartPolicy = GatewayRestartPolicy.OnFailure;

                // The unhealthy answers include a 200 whose body is not a JSON object: unhealthy only under picoclaw's strict rule.
                options.StrictHealthCheck = true;
                options.RestartBackoffBase = TimeSpan.FromMilliseconds(10);
                options.RestartBackoffMax = TimeSpan.FromMilliseconds(50);
                options.RestartResetAfter = TimeSpan.FromSeconds(1);

                // Small enough that SIGKILLs and exits in quick succession sometimes end in a crash loop, which a start then clears.
                options.CrashLoopMaxExits = 3;
                options.CrashLoopWindow = TimeSpan.FromSeconds(1);
                options.HealthCheckInterval = TimeSpan.FromMilliseconds(20);
                options.StartupTimeout = TimeSpan.FromSeconds(2);
                options.StopTimeout = TimeSpan.FromSeconds(2);
                options.KillTimeout = TimeSpan.FromSeconds(2);
                options.LogCapacity = 50;
            });
        Watch = new MarkerProcessWatch(Gateway.Marker);
        Recorder = new SequenceChecker("recorder", Manager.Events, _ => Watch.Poke());
        Succession = new SequenceChecker("succession", Manager.Events, CheckSuccession);
    }

    public RealGateway Gateway { get; }

    public GatewayManager Manager => Gateway.Manager;

    public MarkerProcessWatch Watch { get; }

    /// <summary>Gets the subscriber the run waits on.</summary>
    public SequenceChecker Recorder { get; }

    /// <summary>Gets a subscriber that reads /proc on every event (a slow one): when a new pid is published, the previous one must be gone.</summary>
    public SequenceChecker Succession { get; }

    /// <summary>Gets the subscriber that joins halfway through the storm.</summary>
    public SequenceChecker? Late => Volatile.Read(ref _late);

    public int OperationsDone => Volatile.Read(ref _operationsDone);

    public IReadOnlyList<SequenceChecker> Subscribers => Late is { } late ? [Recorder, Succession, late] : [Recorder, Succession];

    public IEnumerable<string> Violations => _violations
        .Concat(Watch.Violations)
        .Concat(Subscribers.SelectMany(s => s.Violations));

    public string Progress => string.Join("; ", _progress.Select((p, i) => $"caller {i}: {p}"));

    public string Outcomes => string.Join(", ", _outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}"));

    /// <summary>Builds an assertion message that names the seed, so any failure can be replayed.</summary>
    public string Because(string what)
    {
        var violations = Violations.Take(20).ToList();
        return $"{what}\nseed {_seed} (rerun with PICO_CHAOS_SEED={_seed})\n"
            + $"violations ({violations.Count} shown):\n  {string.Join("\n  ", violations)}\n"
            + $"now {TimeProvider.System.GetUtcNow():HH:mm:ss.fff}, status: {Manager.Current}\n"
            + $"progress: {Progress}\noutcomes: {Outcomes}\nlast events:\n  {Recorder.Recent}";
    }

    public void WriteHealth(string content)
    {
        var temporary = $"{_healthFile}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temporary, content);
        File.Move(temporary, _healthFile, overwrite: true);
    }

    public async Task RunCallerAsync(int caller, int operations)
    {
        var random = new Random(unchecked(_seed + (caller * 7919)));
        var state = new CallerState();
        for (var i = 0; i < operations; i++)
        {
            var operation = Pick(random);
            _progress[caller] = $"op {i} {operation}";
            try
            {
                await ExecuteAsync(operation, random, state);
            }
            catch (ObjectDisposedException) when (Volatile.Read(ref _disposing))
            {
                // The documented answer of start, stop and restart once the manager is disposed.
                Count("refused: disposed");
            }
#pragma warning disable CA1031 // Every exception an operation lets out is a finding; the storm goes on so clean-up still happens.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Violate($"caller {caller} op {i} {operation} threw {ex}");
            }

            var done = Interlocked.Increment(ref _operationsDone);
            if (done == _lateSubscriberAfter)
            {
                Volatile.Write(ref _late, new SequenceChecker("late", Manager.Events));
            }

            if (done == _disposeAfter)
            {
                _progress[caller] = $"op {i} disposing the manager";
                try
                {
                    await DisposeMidStormAsync();
                }
#pragma warning disable CA1031 // DisposeAsync must not throw; if it does, that is the finding.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Violate($"DisposeAsync threw {ex}");
                }
            }

            // Let the other callers interleave even when this one's operation completed synchronously.
            await Task.Yield();
        }

        _progress[caller] = "done";
    }

    /// <summary>Gets how long the mid-storm DisposeAsync took, once it has run.</summary>
    public TimeSpan? DisposeTime => Volatile.Read(ref _disposing) && Interlocked.Read(ref _disposeTicks) > 0 ? TimeSpan.FromTicks(Interlocked.Read(ref _disposeTicks)) : null;

    /// <summary>Gets how many operations the disposed manager refused.</summary>
    public int RefusedAfterDispose => _outcomes.GetValueOrDefault("refused: disposed");

    /// <summary>Checks that the status equals reality: a tracked pid is alive exactly when the status says so, and no other gateway lives.</summary>
    public async Task VerifyRealityAsync(string when)
    {
        for (var attempt = 0; ; attempt++)
        {
            var state = Manager.Current;
            var live = Watch.Scan();
            var mismatch = Mismatch(state, live);
            if (mismatch is null)
            {
                return;
            }

            // An exit may be on its way (a SIGKILLed process the manager has not reaped yet): the next event settles it.
            // No event within the guard means the status really disagrees with the process table.
            var sequence = state.Sequence;
            if (attempt == 20 || !await Recorder.WaitUntilAsync(() => Manager.Current.Sequence != sequence, Guard))
            {
                Violate($"{when}: {mismatch} (status {state.Status}, pid {state.ProcessId?.ToString(CultureInfo.InvariantCulture) ?? "none"}, live [{string.Join(", ", live)}])");
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Manager.DisposeAsync().WaitAsync(DisposeGuard);
        await Watch.DisposeAsync().WaitAsync(Guard);
        Late?.Dispose();
        Succession.Dispose();
        Recorder.Dispose();
        _http.Dispose();
        await Gateway.DisposeAsync();
    }

    /// <summary>Disposes the manager while the other callers go on; the moment it returns, no gateway may be alive.</summary>
    private async Task DisposeMidStormAsync()
    {
        Volatile.Write(ref _disposing, true);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await Manager.DisposeAsync().WaitAsync(DisposeGuard);
        Interlocked.Exchange(ref _disposeTicks, Math.Max(1, System.Diagnostics.Stopwatch.GetElapsedTime(started).Ticks));
        if (Watch.Scan() is { Count: > 0 } live)
        {
            Violate($"gateways alive right after DisposeAsync returned: {string.Join(", ", live)}");
        }

        if (Manager.Current.ProcessId is { } pid)
        {
            Violate($"the disposed manager still reports pid {pid} ({Manager.Current.Status})");
        }
    }

    private static string? Mismatch(GatewayEvent state, IReadOnlyList<int> live)
    {
        var expectsProcess = state.Status is GatewayStatus.Starting or GatewayStatus.Running or GatewayStatus.Stopping
            || (state.Status is GatewayStatus.Restarting or GatewayStatus.Error && state.ProcessId is not null);
        if (!expectsProcess)
        {
            return state.ProcessId is not null ? "a pid without a process" : live.Count > 0 ? "a gateway lives that the status does not show" : null;
        }

        if (state.ProcessId is not { } pid)
        {
            return "no pid for a state that has a process";
        }

        return live.Count == 1 && live[0] == pid ? null : "the tracked pid is not the one live gateway";
    }

    private static ChaosOperation Pick(Random random)
    {
        var roll = random.Next(Mix.Sum(m => m.Weight));
        foreach (var (operation, weight) in Mix)
        {
            if (roll < weight)
            {
                return operation;
            }

            roll -= weight;
        }

        throw new InvalidOperationException("unreachable");
    }

    private static CancellationTokenSource? MaybeCancellation(Random random) =>
        random.Next(100) < 15 ? new CancellationTokenSource(TimeSpan.FromMilliseconds(random.Next(0, 30))) : null;

    private Task ExecuteAsync(ChaosOperation operation, Random random, CallerState state)
    {
        switch (operation)
        {
            case ChaosOperation.ReadStatus:
                ReadStatus(state);
                return Task.CompletedTask;
            case ChaosOperation.ReadLogs:
                ReadLogs(random, state);
                return Task.CompletedTask;
            case ChaosOperation.ClearLogs:
                ClearLogs(state);
                return Task.CompletedTask;
            case ChaosOperation.Subscribe:
                return SubscribeAsync();
            case ChaosOperation.FlapHealth:
                return FlapHealthAsync(random);
            case ChaosOperation.Start:
                return StartAsync(random, restart: false);
            case ChaosOperation.Restart:
                return StartAsync(random, restart: true);
            case ChaosOperation.Stop:
                return StopAsync(random, waitForExit: false);
            case ChaosOperation.StopAndWait:
                return StopAsync(random, waitForExit: true);
            case ChaosOperation.KillChild:
                return KillChildAsync(random);
            case ChaosOperation.ChildExits:
                return MakeChildExitAsync(random);
            case ChaosOperation.AwaitUp:
                return AwaitUpAsync(random);
            default:
                throw new ArgumentOutOfRangeException(nameof(operation), operation, null);
        }
    }

    private void ReadStatus(CallerState state)
    {
        Count("status");
        var current = Manager.Current;
        if (current.Sequence < state.LastSequence)
        {
            Violate($"status sequence went back from {state.LastSequence} to {current.Sequence}");
        }

        state.LastSequence = current.Sequence;
        var hasPid = current.ProcessId is not null;
        if ((current.Status is GatewayStatus.Starting or GatewayStatus.Running or GatewayStatus.Stopping && !hasPid)
            || (current.Status == GatewayStatus.Stopped && hasPid)
            || (current.NextRestartTime is not null && (hasPid || current.Status != GatewayStatus.Restarting))
            || current.RestartRequired)
        {
            Violate($"inconsistent snapshot: {current}");
        }
    }

    private void ReadLogs(Random random, CallerState state)
    {
        Count("logs read");
        var logs = Manager.Logs;
        var runId = random.Next(4) switch
        {
            0 => -1,
            1 => logs.RunId - 1,
            2 => random.NextInt64(),
            _ => logs.RunId,
        };
        var offset = random.Next(5) switch
        {
            0 => 0,
            1 => -1 - random.Next(1000),
            2 => long.MaxValue,
            3 => logs.Total,
            _ => random.Next(0, 2 * logs.Capacity),
        };

        var page = logs.Read(offset, runId);
        if (page.RunId < state.LastRunId)
        {
            Violate($"log run id went back from {state.LastRunId} to {page.RunId}");
        }

        state.LastRunId = page.RunId;
        var effectiveOffset = runId == page.RunId && offset >= 0 ? offset : 0;
        var expected = Math.Max(0, page.Total - Math.Max(effectiveOffset, Math.Max(0, page.Total - logs.Capacity)));
        if (page.Lines.Count != expected)
        {
            Violate($"log read({offset}, {runId}) gave {page.Lines.Count} lines of run {page.RunId} with total {page.Total}; expected {expected}");
        }
    }

    private void ClearLogs(CallerState state)
    {
        Count("logs clear");
        var runId = Manager.Logs.Clear();
        if (runId <= state.LastRunId)
        {
            Violate($"log clear gave run id {runId} after {state.LastRunId}");
        }

        state.LastRunId = runId;
    }

    private async Task SubscribeAsync()
    {
        Count("subscribe");
        var before = Manager.Current.Sequence;
        using var transient = new SequenceChecker("transient", Manager.Events);
        if (!await transient.WaitUntilAsync(() => transient.Latest is not null || transient.Completed, Guard))
        {
            Violate("a new subscriber got no snapshot");
        }
        else if (transient.Latest is null)
        {
            // A manager that is gone completes a new subscriber at once; before that, every subscriber gets a snapshot first.
            if (!Volatile.Read(ref _disposing))
            {
                Violate("a new subscriber was completed without a snapshot while the manager was alive");
            }
        }
        else if (transient.Latest!.Sequence < before)
        {
            Violate($"a new subscriber's first event {transient.Latest.Sequence} is older than the status {before} read before subscribing");
        }

        foreach (var violation in transient.Violations)
        {
            Violate(violation);
        }
    }

    /// <summary>A blip: the child answers unhealthy until a couple of probes have seen it, then healthy again.</summary>
    private async Task FlapHealthAsync(Random random)
    {
        var before = _healthRequests.Count;
        WriteHealth(UnhealthyAnswers[random.Next(UnhealthyAnswers.Length)]);
        var seen = Manager.Current.ProcessId is not null && await _healthRequests.WaitForAsync(before + 2, BlipWait);
        WriteHealth("200");
        Count(seen ? "flap" : "flap (no probe saw it)");
    }

    private async Task StartAsync(Random random, bool restart)
    {
        var name = restart ? "restart" : "start";
        if (restart)
        {
            await MaybeAwaitUpAsync(random);
        }

        using var cancellation = MaybeCancellation(random);
        var token = cancellation?.Token ?? CancellationToken.None;
        try
        {
            // No per-call guard: eight callers queue behind one gate, so one call may wait out several stops; the storm as a whole is
            // bounded (StormBound), and a hang fails there.
            var result = restart ? await Manager.RestartAsync(token) : await Manager.StartAsync(token);
            Count($"{name} {result.Outcome}");
            if (result.Outcome is GatewayStartOutcome.Failed or GatewayStartOutcome.PreconditionFailed
                || (restart && result.Outcome != GatewayStartOutcome.Started)
                || result.ProcessId is null)
            {
                Violate($"{name} answered {result}");
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            Count($"{name} cancelled");
        }
    }

    private async Task StopAsync(Random random, bool waitForExit)
    {
        await MaybeAwaitUpAsync(random);
        using var cancellation = MaybeCancellation(random);
        var token = cancellation?.Token ?? CancellationToken.None;
        GatewayStopResult result;
        try
        {
            result = await Manager.StopAsync(token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            Count("stop cancelled");
            return;
        }

        Count($"stop {result.Outcome}");
        if (!waitForExit || result.ProcessId is not { } pid)
        {
            return;
        }

        try
        {
            await result.Exited.WaitAsync(Gateway.Options.StopTimeout + Gateway.Options.KillTimeout + Guard);
        }
        catch (TimeoutException)
        {
            Violate($"stop of pid {pid}: Exited did not complete");
            return;
        }

        if (ProcessTable.IsAlive(pid))
        {
            Violate($"stop of pid {pid}: Exited completed but the process is alive");
        }

        Watch.Poke();
    }

    /// <summary>SIGKILL of the current child; one time in three a burst of three, each hitting the crash restart's new child, to reach the crash-loop limit.</summary>
    private async Task KillChildAsync(Random random)
    {
        await MaybeAwaitUpAsync(random);
        var kills = random.Next(3) == 0 ? 3 : 1;
        for (var i = 0; i < kills; i++)
        {
            if (Manager.Current.ProcessId is not { } pid || !ProcessTable.IsAliveWithMarker(pid, Gateway.Marker))
            {
                Count("kill (none alive)");
                return;
            }

            Count("kill");
            _ = LibC.kill(pid, LibC.SIGKILL);
            Watch.Poke();
            await WaitUntilNotTrackedAsync(pid, "SIGKILL");
            if (i + 1 < kills && !await Recorder.WaitUntilAsync(() => Manager.Current.ProcessId is { } next && next != pid, BlipWait))
            {
                return;
            }
        }
    }

    private async Task MakeChildExitAsync(Random random)
    {
        await MaybeAwaitUpAsync(random);
        var code = random.Next(3) switch { 0 => 0, 1 => 1, _ => 3 };
        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync(new Uri($"http://127.0.0.1:{Gateway.Port}/exit?code={code}"));
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Net.Sockets.SocketException or IOException)
        {
            // No child was listening (none running, one still starting, or one on its way out). A peer that resets right after
            // accepting can surface as a bare SocketException from HttpClient's connect.
            Count("exit (nobody listening)");
            return;
        }

        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Violate($"the exit route answered {(int)response.StatusCode}");
                return;
            }

            Count($"exit {code}");
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var pid = body.RootElement.GetProperty("pid").GetInt32();
            await WaitUntilNotTrackedAsync(pid, $"exit {code}");
        }
    }

    /// <summary>
    /// What a user does before the next click: starts the gateway when it is down and waits for it to be up (running, or alive but
    /// unhealthy after a flap). The others may keep it from getting there; that is no fault, the caller just moves on.
    /// </summary>
    private async Task AwaitUpAsync(Random random)
    {
        using var timeout = new CancellationTokenSource(UpWait);
        while (true)
        {
            var current = Manager.Current;
            if (current.Status == GatewayStatus.Running || (current.Status == GatewayStatus.Error && current.ProcessId is not null))
            {
                // Then looks at it for a moment, measured in the gateway's own health probes, so health blips can land on a running gateway.
                Count($"up ({current.Status})");
                await _healthRequests.WaitForAsync(_healthRequests.Count + random.Next(3), BlipWait);
                return;
            }

            if (current.Status == GatewayStatus.Stopped || current.Status == GatewayStatus.Error)
            {
                var result = await Manager.StartAsync(CancellationToken.None).WaitAsync(TestTimeouts.Wait);
                Count($"start {result.Outcome}");
                if (result.Outcome is GatewayStartOutcome.Failed or GatewayStartOutcome.PreconditionFailed)
                {
                    Violate($"start answered {result}");
                }
            }

            var sequence = current.Sequence;
            try
            {
                await Recorder.WaitUntilAsync(() => Manager.Current.Sequence != sequence, Guard).WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Count("not up yet");
                return;
            }
        }
    }

    /// <summary>Most disruptions hit a running gateway (the interesting case); the rest land wherever the others left it.</summary>
    private Task MaybeAwaitUpAsync(Random random) => random.Next(4) == 0 ? Task.CompletedTask : AwaitUpAsync(random);

    private async Task WaitUntilNotTrackedAsync(int pid, string what)
    {
        if (!await Recorder.WaitUntilAsync(() => Manager.Current.ProcessId != pid, Guard))
        {
            Violate($"{what}: pid {pid} still tracked {Guard.TotalSeconds} s later");
        }

        Watch.Poke();
    }

    private void CheckSuccession(GatewayEvent next)
    {
        if (next.ProcessId is not { } pid || pid == _previousPid)
        {
            return;
        }

        // Only this subscriber's own (serialized) callback touches _previousPid.
        var previous = _previousPid;
        _previousPid = pid;
        if (previous != 0 && ProcessTable.IsAlive(previous))
        {
            Violate($"pid {pid} was published while the previous gateway {previous} was still alive");
        }

        Watch.Poke();
    }

    private void Count(string outcome) => _outcomes.AddOrUpdate(outcome, 1, static (_, n) => n + 1);

    private void Violate(string violation) => _violations.Enqueue(violation);

    private sealed class CallerState
    {
        public long LastSequence { get; set; } = -1;

        public long LastRunId { get; set; } = -1;
    }
}
