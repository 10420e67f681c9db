using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Supervision;
using Pico.Gateway.Management.Tests.Testing;

namespace Pico.Gateway.Management.Tests.Supervision;

/// <summary>The redesigned core's own promises: its lock rules, the two races it closes, and no work before supervision begins.</summary>
public sealed class GatewayManagerCoreTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_crash_restart_timer_is_created_under_the_lock_a_stop_disposes_it_under()
    {
        var backoff = TimeSpan.FromSeconds(7);
        await using var fixture = new ManagerFixture(o =>
        {
            o.RestartPolicy = GatewayRestartPolicy.OnFailure;
            o.RestartBackoffBase = backoff;
        });
        bool? createdUnderLock = null;
        fixture.Time.TimerCreating = due =>
        {
            if (due == backoff)
            {
                createdUnderLock = fixture.Manager.StateGate.IsHeldByCurrentThread;
            }
        };
        fixture.Probe.Answer = HealthProbeResult.Unreachable("not yet");
        await fixture.Manager.StartAsync().WaitAsync(Guard);

        fixture.Launcher.Last.ExitWithCode(1);
        var waiting = await fixture.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Restarting && e.NextRestartTime is not null).WaitAsync(Guard);
        Assert.True(createdUnderLock, "the crash restart's timer was armed outside the state lock, where a concurrent stop cannot see it");

        var stop = await fixture.Manager.StopAsync().WaitAsync(Guard);

        Assert.Equal(GatewayStopOutcome.NotRunning, stop.Outcome);
        Assert.False(fixture.Time.IsArmedAt(waiting.NextRestartTime!.Value));
    }

    [Fact]
    public void Recording_and_forgetting_the_pid_file_are_serialized()
    {
        var store = new RecordingPidStore();
        var reattachment = new GatewayReattachment(store, NullLogger.Instance, startTimeOf: _ => 1);
        store.Gate = reattachment.FileGate;

        reattachment.Record(100, "http://127.0.0.1:1/health", null);
        reattachment.Forget(100);

        Assert.Equal(["write 100", "read", "delete"], store.Operations);
        Assert.All(store.UnderGate, Assert.True);
    }

    [Fact]
    public void Forgetting_an_old_run_keeps_the_record_a_newer_start_wrote()
    {
        var store = new RecordingPidStore();
        var reattachment = new GatewayReattachment(store, NullLogger.Instance, startTimeOf: _ => 1);

        reattachment.Record(100, "http://127.0.0.1:1/health", null);
        reattachment.Record(200, "http://127.0.0.1:1/health", null);
        reattachment.Forget(100);

        Assert.Equal(200, store.Content?.ProcessId);
    }

    [Fact]
    public async Task A_spawn_is_held_and_let_run_before_it_is_published()
    {
        await using var fixture = new ManagerFixture();
        int? publishedAtLetRun = -1;
        fixture.Launcher.OnLetRun = _ => publishedAtLetRun = fixture.Manager.Current.ProcessId;

        var process = await fixture.StartRunningAsync().WaitAsync(Guard);

        // Held: the pid file is written between the spawn and the let-run, so nobody hears of the run before it may run.
        Assert.True(process.Held);
        Assert.True(process.WasLetRun);
        Assert.NotEqual(process.Id, publishedAtLetRun);
    }

    [Fact]
    public async Task A_start_during_a_stop_answers_already_running_at_once()
    {
        await using var fixture = new ManagerFixture();
        var process = await fixture.StartRunningAsync().WaitAsync(Guard);
        process.IgnoresTerminate = true;
        var stop = await fixture.Manager.StopAsync().WaitAsync(Guard);
        Assert.Equal(GatewayStopOutcome.Stopping, stop.Outcome);

        var start = await fixture.Manager.StartAsync().WaitAsync(Guard);

        Assert.Equal(GatewayStartOutcome.AlreadyRunning, start.Outcome);
        Assert.Equal(process.Id, start.ProcessId);
        Assert.Equal(GatewayStatus.Stopping, fixture.Manager.Current.Status);
        Assert.Single(fixture.Launcher.Started);

        await fixture.Time.AdvanceToTimerAsync(fixture.Options.StopTimeout).WaitAsync(Guard);
        await stop.Exited.WaitAsync(Guard);
        Assert.Equal(GatewayStatus.Stopped, fixture.Manager.Current.Status);
    }

    [Fact]
    public async Task Resolving_the_manager_does_no_work_until_supervision_begins()
    {
        var directory = Directory.CreateTempSubdirectory("pico-resolve-");
        try
        {
            var pidFile = Path.Combine(directory.FullName, "gateway.pid");
            await File.WriteAllTextAsync(pidFile, """{"pid":2147483000,"start_time":1,"health_url":"http://127.0.0.1:1/health"}""");
            var time = new TrackingTimeProvider();
            var timers = 0;
            time.TimerCreating = _ => Interlocked.Increment(ref timers);
            var launcher = new FakeProcessLauncher();
            var services = new ServiceCollection();
            services.AddSingleton<IGatewayProcessLauncher>(launcher);
            services.AddSingleton<TimeProvider>(time);
            services.AddGatewayManagement(o =>
            {
                o.ExecutablePath = "/opt/gateway/picoclaw";
                o.PidFilePath = pidFile;
            });
            await using var provider = services.BuildServiceProvider();

            var manager = provider.GetRequiredService<IGatewayManager>();

            Assert.True(File.Exists(pidFile), "resolving read the pid file");
            Assert.Equal(0, Volatile.Read(ref timers));
            Assert.Empty(launcher.Started);
            Assert.Equal(0, manager.Current.Sequence);

            await manager.StartSupervisionAsync().WaitAsync(Guard);

            Assert.False(File.Exists(pidFile), "beginning supervision did not find the stale pid file");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Changed_options_apply_to_the_next_start_and_flag_a_restart_while_running()
    {
        await using var fixture = new ManagerFixture();
        var first = await fixture.StartRunningAsync().WaitAsync(Guard);
        var changed = new GatewayOptions { ExecutablePath = "/opt/gateway/picoclaw-2", RestartPolicy = GatewayRestartPolicy.Never };
        changed.Arguments.Add("gateway");

        fixture.OptionsMonitor.Set(changed);
        await fixture.Manager.TickAsync(CancellationToken.None).WaitAsync(Guard);

        var flagged = await fixture.Recorder.WaitForAsync(e => e.RestartRequired).WaitAsync(Guard);
        Assert.Equal(GatewayStatus.Running, flagged.Status);
        Assert.Equal("/opt/gateway/picoclaw", first.StartInfo.ExecutablePath);

        var restarted = await fixture.Manager.RestartAsync().WaitAsync(Guard);

        Assert.Equal("/opt/gateway/picoclaw-2", fixture.Launcher.Last.StartInfo.ExecutablePath);
        var running = await fixture.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Running && e.ProcessId == restarted.ProcessId).WaitAsync(Guard);
        Assert.False(running.RestartRequired);
    }

    [Fact]
    public async Task WatchAsync_yields_the_current_snapshot_then_each_change_and_ends_on_dispose()
    {
        var fixture = new ManagerFixture();
        var seen = new List<GatewayStatus>();
        await using var watch = fixture.Manager.WatchAsync().GetAsyncEnumerator();
        Assert.True(await watch.MoveNextAsync().AsTask().WaitAsync(Guard));
        seen.Add(watch.Current.Status);

        await fixture.StartRunningAsync().WaitAsync(Guard);
        await fixture.DisposeAsync();
        while (await watch.MoveNextAsync().AsTask().WaitAsync(Guard))
        {
            seen.Add(watch.Current.Status);
        }

        Assert.Equal(GatewayStatus.Stopped, seen[0]);
        Assert.Contains(GatewayStatus.Running, seen);
        Assert.Equal(GatewayStatus.Stopped, seen[^1]);
    }

    /// <summary>A pid store that logs each operation and whether the reattachment's file gate was held for it.</summary>
    private sealed class RecordingPidStore : IGatewayPidStore
    {
        public Lock? Gate { get; set; }

        public GatewayPidRecord? Content { get; private set; }

        public List<string> Operations { get; } = [];

        public List<bool> UnderGate { get; } = [];

        public string Path => "/nonexistent/gateway.pid";

        public GatewayPidRecord? TryRead()
        {
            Note("read");
            return Content;
        }

        public void Write(GatewayPidRecord record)
        {
            Note($"write {record.ProcessId}");
            Content = record;
        }

        public void Delete()
        {
            Note("delete");
            Content = null;
        }

        public string? Distrust() => null;

        private void Note(string operation)
        {
            Operations.Add(operation);
            UnderGate.Add(Gate?.IsHeldByCurrentThread ?? true);
        }
    }
}
