using Pico.Gateway.Management.Supervision;
using Pico.Gateway.Management.Tests.Testing;
using Xunit.Abstractions;

namespace Pico.Gateway.Management.Tests.Containment;

/// <summary>
/// Issue 11, the first crash restart: a cgroup run keeps the next run's process spawned and held at its exec gate, already in a
/// cgroup of its own, so the restart skips the move into a cgroup (an RCU grace period). The spare is a process of the host's, so
/// it must never outlive a stop or the manager, and it must never be what runs when it would run something else.
/// </summary>
public sealed class SpareSpawnTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_first_crash_restart_execs_the_spare_held_in_its_own_cgroup_and_a_new_spare_is_made()
    {
        if (!OperatingSystem.IsLinux() || ContainmentMachine.Skips(GatewayContainmentMode.Cgroup, output))
        {
            return;
        }

        await using var gateway = new RealGateway("healthy", configure: Contained);
        var (started, spare) = await StartRunningWithSpareAsync(gateway);
        Assert.True(ProcessTable.IsTrampoline(spare.Process.Id), "the spare is not held at its gate");
        var gatewayCgroup = ContainmentMachine.CgroupDirectoryOf(started);
        var spareCgroup = ContainmentMachine.CgroupDirectoryOf(spare.Process.Id);
        Assert.NotEqual(gatewayCgroup, spareCgroup);
        Assert.Equal([started], ProcessTable.LiveGatewaysWithMarker(gateway.Marker));

        PosixSignals.Send(started, PosixSignals.SIGKILL);

        var restarted = await gateway.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Running && e.ProcessId != started);
        Assert.Equal(spare.Process.Id, restarted.ProcessId);
        Assert.Equal(spareCgroup, ContainmentMachine.CgroupDirectoryOf(spare.Process.Id));
        var next = await SpareOf(gateway);
        Assert.NotEqual(spare.Process.Id, next.Process.Id);
    }

    [Fact]
    public async Task A_stop_discards_the_spare_before_it_reports_stopped()
    {
        if (!OperatingSystem.IsLinux() || ContainmentMachine.Skips(GatewayContainmentMode.Cgroup, output))
        {
            return;
        }

        await using var gateway = new RealGateway("healthy", configure: Contained);
        var (_, spare) = await StartRunningWithSpareAsync(gateway);
        var spareCgroup = ContainmentMachine.CgroupDirectoryOf(spare.Process.Id);

        var stop = await gateway.Manager.StopAsync().WaitAsync(TestTimeouts.Wait);
        await stop.Exited.WaitAsync(TestTimeouts.Wait);
        await gateway.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Stopped && e.LastExitTime is not null);

        // Exited without running the gateway (125: its gate closed), reaped, and its cgroup removed, all before "stopped".
        Assert.True(spare.Process.Exited.IsCompleted, "the spare outlived the stop");
        Assert.Equal(125, (await spare.Process.Exited).ExitCode);
        Assert.False(Directory.Exists(spareCgroup), $"the spare's cgroup {spareCgroup} was left behind");
        Assert.Empty(ProcessTable.LiveProcessesWithMarker(gateway.Marker));
        Assert.Null(gateway.Manager.Spare);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_gateway_that_stays_down_takes_its_spare_with_it_before_the_state_says_so(bool spool)
    {
        if (!OperatingSystem.IsLinux() || ContainmentMachine.Skips(GatewayContainmentMode.Cgroup, output))
        {
            return;
        }

        var directory = Directory.CreateTempSubdirectory("pico-spare-").FullName;
        try
        {
            // A clean exit under OnFailure is not restarted: the spare kept for a crash has nothing to wait for.
            await using var gateway = new RealGateway("healthy", ["--exit-route", "/quit"], configure: options =>
            {
                Contained(options);
                options.PidFilePath = spool ? Path.Combine(directory, "gateway.pid") : null;
            });
            var (_, spare) = await StartRunningWithSpareAsync(gateway);
            var spareCgroup = ContainmentMachine.CgroupDirectoryOf(spare.Process.Id);

            using (var client = new HttpClient())
            using (await client.GetAsync(new Uri($"http://127.0.0.1:{gateway.Port}/quit?code=0")))
            {
            }

            var stopped = await gateway.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Stopped && e.LastExitTime is not null);
            Assert.Equal(0, stopped.LastExitCode);
            Assert.True(spare.Process.Exited.IsCompleted, "the spare outlived the gateway's final exit");
            Assert.False(Directory.Exists(spareCgroup), $"the spare's cgroup {spareCgroup} was left behind");
            Assert.Empty(ProcessTable.LiveProcessesWithMarker(gateway.Marker));
            Assert.True(spare.StagedSpool is null || !File.Exists(spare.StagedSpool + ".stdout"), "the spare's staged spool was left behind");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task With_a_spool_the_spare_writes_to_staged_files_that_become_the_spool_when_it_runs()
    {
        if (!OperatingSystem.IsLinux() || ContainmentMachine.Skips(GatewayContainmentMode.Cgroup, output))
        {
            return;
        }

        var directory = Directory.CreateTempSubdirectory("pico-spare-").FullName;
        var pidFile = Path.Combine(directory, "gateway.pid");
        try
        {
            await using var gateway = new RealGateway("healthy", configure: options =>
            {
                Contained(options);
                options.PidFilePath = pidFile;
            });
            var (started, spare) = await StartRunningWithSpareAsync(gateway);

            // Staged beside the running gateway's files, which it leaves alone.
            var staged = spare.StagedSpool;
            Assert.NotNull(staged);
            Assert.Equal(0, new FileInfo(staged + ".stdout").Length);
            Assert.Contains("request GET /health", await File.ReadAllTextAsync(pidFile + ".stdout"), StringComparison.Ordinal);

            PosixSignals.Send(started, PosixSignals.SIGKILL);
            var restarted = await gateway.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Running && e.ProcessId != started);
            Assert.Equal(spare.Process.Id, restarted.ProcessId);
            Assert.False(File.Exists(staged + ".stdout") || File.Exists(staged + ".stderr") || File.Exists(staged + ".offsets"), "the staged files were not put in place");

            // A request only the new run can have seen: its line is captured, and it is in the spool a later host would resume.
            var token = Guid.NewGuid().ToString("N");
            using (var client = new HttpClient())
            using (await client.GetAsync(new Uri($"http://127.0.0.1:{gateway.Port}/health?{token}")))
            {
            }

            await gateway.Lines.WaitForAsync(line => line.Contains(token, StringComparison.Ordinal));
            var spool = await File.ReadAllTextAsync(pidFile + ".stdout");
            Assert.Contains(token, spool, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("never restarts")]
    [InlineData("notify")]
    [InlineData("process group")]
    public async Task No_spare_is_kept_where_it_would_save_nothing(string why)
    {
        if (!OperatingSystem.IsLinux() || ContainmentMachine.Skips(GatewayContainmentMode.Cgroup, output))
        {
            return;
        }

        await using var gateway = new RealGateway("healthy", configure: options =>
        {
            Contained(options);
            switch (why)
            {
                case "never restarts":
                    options.RestartPolicy = GatewayRestartPolicy.Never;
                    break;
                case "notify":
                    options.Readiness.Mode = GatewayReadinessMode.Notify;
                    break;
                default:
                    options.Containment = GatewayContainmentMode.ProcessGroup;
                    break;
            }
        });

        var started = await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);

        // The spare is asked for before the start returns, or never.
        Assert.Equal(GatewayStartOutcome.Started, started.Outcome);
        Assert.Null(gateway.Manager.Spare);
    }

    private static void Contained(GatewayOptions options)
    {
        options.Containment = GatewayContainmentMode.Cgroup;
        options.RestartPolicy = GatewayRestartPolicy.OnFailure;
    }

    /// <summary>Starts the gateway, waits until it runs, and returns its pid and the spare made for its next run.</summary>
    private static async Task<(int Started, SpareSpawn Spare)> StartRunningWithSpareAsync(RealGateway gateway)
    {
        var started = await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        await gateway.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Running && e.ProcessId == started.ProcessId);
        return (started.ProcessId!.Value, await SpareOf(gateway));
    }

    private static async Task<SpareSpawn> SpareOf(RealGateway gateway)
    {
        var making = gateway.Manager.Spare;
        Assert.NotNull(making);
        var spare = await making.WaitAsync(TestTimeouts.Wait);
        Assert.NotNull(spare);
        return spare;
    }
}
