using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace Pico.Gateway.Management.Tests.Chaos;

/// <summary>
/// Issue 4, item 5: random operations from concurrent callers against a real child (start, stop, restart, status and log reads, log
/// clears, subscriptions, SIGKILL of the child, the child exiting by itself, health flapping), with every invariant checked throughout
/// and at rest. The seed is printed and named in every failure; set PICO_CHAOS_SEED to replay one.
/// </summary>
[Collection(ChaosCollectionDefinition.Name)]
[Trait(TestCategory.Name, TestCategory.Slow)]
public sealed class ChaosTests(ITestOutputHelper output)
{
    private const int Callers = 8;

    // The storm takes about 15 s on the 2-core CI machine; past this bound something hangs or regressed badly.
    private static readonly TimeSpan StormBound = TimeSpan.FromSeconds(50);

    [Fact]
    public Task Two_thousand_random_operations_from_eight_callers_keep_every_invariant() => WithSeedAsync(async (seed, directory) =>
    {
        const int operationsPerCaller = 250;
        var stopwatch = Stopwatch.StartNew();
        var run = new ChaosRun(seed, Callers, operationsPerCaller, directory);
        await using (run)
        {
            var persistentSubscribers = run.Manager.SubscriberCount;
            await StormAsync(run, operationsPerCaller);
            var stormTime = stopwatch.Elapsed;

            // At rest: healthy again, nothing pending. The status must then equal the process table.
            run.WriteHealth("200");
            var rested = await run.Recorder.WaitUntilAsync(() => IsAtRest(run.Manager.Current), ChaosRun.Guard);
            Assert.True(rested, run.Because("the manager did not come to rest"));
            await run.VerifyRealityAsync("at rest");

            // Still fully usable after the storm.
            var start = await run.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
            Assert.True(start.Outcome is GatewayStartOutcome.Started or GatewayStartOutcome.AlreadyRunning, run.Because($"start after the storm: {start}"));
            var running = await run.Recorder.WaitUntilAsync(() => run.Manager.Current is { Status: GatewayStatus.Running, ProcessId: not null }, ChaosRun.Guard);
            Assert.True(running, run.Because("not running after a start at rest"));
            await run.VerifyRealityAsync("running after the storm");

            var stop = await run.Manager.StopAsync().WaitAsync(TestTimeouts.Wait);
            Assert.Equal(GatewayStopOutcome.Stopping, stop.Outcome);
            await stop.Exited.WaitAsync(ChaosRun.Guard);
            Assert.Equal(GatewayStatus.Stopped, run.Manager.Current.Status);
            await run.VerifyRealityAsync("stopped after the storm");

            // Every subscriber caught up with the last state, and the transient ones are gone.
            foreach (var subscriber in run.Subscribers)
            {
                var caughtUp = await subscriber.WaitUntilAsync(() => subscriber.Latest?.Sequence == run.Manager.Current.Sequence, ChaosRun.Guard);
                Assert.True(caughtUp, run.Because($"{subscriber.Name} stopped at {subscriber.Latest?.Sequence}"));
                Assert.True(subscriber.Latest!.HasSameStateAs(run.Manager.Current), run.Because($"{subscriber.Name}'s last event differs from the status"));
            }

            Assert.NotNull(run.Late);
            Assert.True(run.Manager.SubscriberCount == persistentSubscribers + 1, run.Because($"{run.Manager.SubscriberCount} subscribers left"));

            // Disposal completes every subscriber and leaves no process behind.
            await run.Manager.DisposeAsync().WaitAsync(run.DisposeGuard);
            await AssertDisposedCleanlyAsync(run);

            output.WriteLine($"storm {stormTime.TotalSeconds:0.0} s, total {stopwatch.Elapsed.TotalSeconds:0.0} s; {run.OperationsDone} operations");
            Summarize(run);
        }
    });

    [Fact]
    public Task Disposing_the_manager_mid_storm_leaves_no_gateway_and_later_calls_are_refused_cleanly() => WithSeedAsync(async (seed, directory) =>
    {
        const int operationsPerCaller = 150;
        var stopwatch = Stopwatch.StartNew();
        var run = new ChaosRun(seed, Callers, operationsPerCaller, directory, disposeAfter: Callers * operationsPerCaller * 2 / 3);
        await using (run)
        {
            await StormAsync(run, operationsPerCaller);

            Assert.True(run.DisposeTime is not null, run.Because("the manager was not disposed"));
            Assert.True(run.RefusedAfterDispose > 0, run.Because("no call reached the disposed manager"));
            Assert.True(run.Manager.Current.ProcessId is null, run.Because("the disposed manager reports a process"));
            await AssertDisposedCleanlyAsync(run);

            output.WriteLine($"storm {stopwatch.Elapsed.TotalSeconds:0.0} s; {run.OperationsDone} operations; DisposeAsync took {run.DisposeTime!.Value.TotalMilliseconds:0} ms");
            Summarize(run);
        }
    });

    private static bool IsAtRest(GatewayEvent state) =>
        state.Status == GatewayStatus.Running
        || (state.Status is GatewayStatus.Stopped or GatewayStatus.Error && state.ProcessId is null);

    private static async Task StormAsync(ChaosRun run, int operationsPerCaller)
    {
        var callers = Enumerable.Range(0, Callers).Select(caller => Task.Run(() => run.RunCallerAsync(caller, operationsPerCaller))).ToArray();
        try
        {
            await Task.WhenAll(callers).WaitAsync(StormBound);
        }
        catch (TimeoutException)
        {
            Assert.Fail(run.Because($"the storm did not finish within {StormBound.TotalSeconds} s"));
        }

        Assert.True(run.OperationsDone == Callers * operationsPerCaller, run.Because($"only {run.OperationsDone} operations ran"));
    }

    private static async Task AssertDisposedCleanlyAsync(ChaosRun run)
    {
        foreach (var subscriber in run.Subscribers)
        {
            Assert.True(await subscriber.WaitUntilAsync(() => subscriber.Completed, ChaosRun.Guard), run.Because($"{subscriber.Name} was not completed"));
        }

        Assert.True(ProcessTable.LiveProcessesWithMarker(run.Gateway.Marker).Count == 0, run.Because("a process outlived the manager"));
        Assert.True(run.Watch.MostAlive <= 1, run.Because($"{run.Watch.MostAlive} live gateways at once"));
        Assert.True(!run.Violations.Any(), run.Because("invariants broken"));
    }

    /// <summary>Runs a storm with a logged seed, and fails if any task's exception went unobserved meanwhile.</summary>
    private async Task WithSeedAsync(Func<int, string, Task> storm)
    {
        var seed = Environment.GetEnvironmentVariable("PICO_CHAOS_SEED") is { Length: > 0 } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        output.WriteLine($"chaos seed {seed} (rerun with PICO_CHAOS_SEED={seed})");

        // Tasks other tests left behind are finalized now, so only this run's unobserved exceptions are counted below.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var unobserved = new ConcurrentQueue<Exception>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e) => unobserved.Enqueue(e.Exception);
        TaskScheduler.UnobservedTaskException += OnUnobserved;
        var directory = Directory.CreateTempSubdirectory("pico-chaos-");
        try
        {
            await storm(seed, directory.FullName);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            Assert.True(unobserved.IsEmpty, $"seed {seed}: unobserved task exceptions:\n{string.Join("\n", unobserved)}");
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
            directory.Delete(recursive: true);
        }
    }

    private void Summarize(ChaosRun run)
    {
        output.WriteLine($"outcomes: {run.Outcomes}");
        output.WriteLine(
            $"events: {run.Recorder.Received} to the recorder, {run.Late?.Received ?? 0} to the late subscriber; final sequence {run.Manager.Current.Sequence}; "
            + $"{run.Watch.Scans} /proc scans, at most {run.Watch.MostAlive} live");
        output.WriteLine($"events by status: {run.Recorder.StatusCounts}");
    }
}
