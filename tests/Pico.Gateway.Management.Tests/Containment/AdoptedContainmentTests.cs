using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Processes.Containment;
using Pico.Gateway.Management.Tests.Testing;
using Xunit.Abstractions;

namespace Pico.Gateway.Management.Tests.Containment;

/// <summary>
/// Issue 9 for a re-attached gateway: the pid file records how the run is contained, adoption trusts it only once verified against
/// the live process (a cgroup under the expected parent that holds the pid, a cookie in the pid's environment), and an old record
/// without it still adopts, with the process group.
/// </summary>
public sealed class AdoptedContainmentTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("pico-adopt-");

    private string PidFile => Path.Combine(_directory.FullName, "gateway.pid");

    [Fact]
    public void The_pid_file_keeps_the_runs_containment_and_an_older_record_reads_without_it()
    {
        var file = new GatewayPidFile(PidFile);
        var cookie = RunCookie.New().Value;
        file.Write(new GatewayPidRecord(1234, 5678, "http://127.0.0.1:1/health", null)
        {
            Containment = GatewayContainmentMode.Cgroup,
            CgroupDirectory = "/sys/fs/cgroup/unified/pico-gateway-1-abc",
            RunCookie = cookie,
        });

        var read = file.TryRead()!;
        Assert.Equal(
            (GatewayContainmentMode.Cgroup, "/sys/fs/cgroup/unified/pico-gateway-1-abc", cookie),
            (read.Containment!.Value, read.CgroupDirectory, read.RunCookie));

        File.WriteAllText(PidFile, """{"pid":1234,"start_time":5678,"health_url":"http://127.0.0.1:1/health"}""");
        var older = file.TryRead()!;
        Assert.Equal((1234, (GatewayContainmentMode?)null, (string?)null), (older.ProcessId, older.Containment, older.RunCookie));
        Assert.Equal(GatewayContainmentMode.ProcessGroup, AdoptedContainment.Restore(older, null, NullLogger.Instance).Mode);
    }

    [Fact]
    public async Task A_recorded_cookie_is_trusted_only_when_the_adopted_pid_carries_it()
    {
        using var leader = StartSleeper(GatewayContainmentMode.Tracked);
        try
        {
            var recorded = leader.RunContainment;
            Assert.Equal(GatewayContainmentMode.Tracked, recorded.Mode);

            Assert.Equal(GatewayContainmentMode.Tracked, Restore(leader.Id, recorded).Mode);
            Assert.Equal(GatewayContainmentMode.ProcessGroup, Restore(leader.Id, recorded with { Cookie = RunCookie.New().Value }).Mode);
            Assert.Equal(GatewayContainmentMode.ProcessGroup, Restore(leader.Id, recorded with { Cookie = "not a cookie" }).Mode);
        }
        finally
        {
            leader.Kill();
            await leader.Exited.WaitAsync(TestTimeouts.Wait);
        }
    }

    [Fact]
    public async Task A_recorded_cgroup_is_trusted_only_under_the_expected_parent_and_holding_the_pid()
    {
        if (ContainmentMachine.Skips(GatewayContainmentMode.Cgroup, output))
        {
            return;
        }

        using var leader = StartSleeper(GatewayContainmentMode.Cgroup);
        var sibling = Path.Combine(Path.GetDirectoryName(leader.RunContainment.CgroupDirectory!)!, $"pico-gateway-test-{Guid.NewGuid():N}");
        try
        {
            var recorded = leader.RunContainment;
            Assert.Equal(ContainmentMachine.CgroupDirectoryOf(leader.Id), recorded.CgroupDirectory);
            Assert.Equal(GatewayContainmentMode.Cgroup, Restore(leader.Id, recorded).Mode);

            // Anything else falls back to the cookie the run also carries.
            Directory.CreateDirectory(sibling);
            Assert.Equal(GatewayContainmentMode.Tracked, Restore(leader.Id, recorded with { CgroupDirectory = sibling }).Mode);
            Assert.Equal(GatewayContainmentMode.Tracked, Restore(leader.Id, recorded with { CgroupDirectory = Path.GetDirectoryName(recorded.CgroupDirectory) }).Mode);
            Assert.Equal(GatewayContainmentMode.Tracked, Restore(leader.Id, recorded with { CgroupDirectory = "/tmp/pico-gateway-1-abc" }).Mode);
            Assert.Equal(GatewayContainmentMode.Tracked, Restore(leader.Id, recorded with { CgroupDirectory = null }).Mode);
            Assert.Equal(
                GatewayContainmentMode.Tracked,
                AdoptedContainment.Restore(Record(leader.Id, recorded), "/sys/fs/cgroup/elsewhere", NullLogger.Instance).Mode);
        }
        finally
        {
            leader.Kill();
            await leader.Exited.WaitAsync(TestTimeouts.Wait);
            ContainmentMachine.RemoveCgroup(sibling);
        }
    }

    [Theory]
    [InlineData(GatewayContainmentMode.Cgroup)]
    [InlineData(GatewayContainmentMode.Tracked)]
    public async Task A_re_attached_gateway_is_contained_as_its_run_was_and_its_daemon_dies_with_it(GatewayContainmentMode mode)
    {
        if (ContainmentMachine.Skips(mode, output))
        {
            return;
        }

        var escapeeFile = Path.Combine(_directory.FullName, "escapee.pid");
        string[] arguments = ["--how", "daemon", "--pid-file", escapeeFile];
        var crashed = new RealGateway("escapee", arguments, configure: o => o.PidFilePath = PidFile, launcher: ContainmentMachine.Launcher(mode));
        Escapee? escapee = null;
        string? cgroup = null;
        try
        {
            var original = await crashed.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
            await crashed.Recorder.WaitForStatusAsync(GatewayStatus.Running);
            await crashed.Lines.WaitForPrefixAsync("ESCAPEE ");
            escapee = Escapee.Read(escapeeFile);
            using (var record = JsonDocument.Parse(await File.ReadAllBytesAsync(PidFile)))
            {
                Assert.Equal(mode.ToString(), record.RootElement.GetProperty("containment").GetString());
                cgroup = record.RootElement.GetProperty("cgroup").GetString();
            }

            crashed.Manager.ReleaseOwnershipAsIfCrashed();
            await using (var next = new RealGateway("escapee", arguments, configure: o => o.PidFilePath = PidFile, port: crashed.Port, marker: crashed.Marker))
            {
                var adopted = await next.Recorder.WaitForStatusAsync(GatewayStatus.Running);
                Assert.Equal((original.ProcessId, true, mode), (adopted.ProcessId, adopted.IsAdopted, adopted.ContainmentMode));

                var stop = await next.Manager.StopAsync().WaitAsync(TestTimeouts.Wait);
                await stop.Exited.WaitAsync(TestTimeouts.Wait);
                TestCleanup.AssertTreeGone(escapee, cgroup, $"the stop of the re-attached gateway in {mode} mode");
            }
        }
        finally
        {
            TestCleanup.KillTree(escapee, crashed.Marker, cgroup);

            await crashed.DisposeAsync();
        }
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private static IGatewayProcess StartSleeper(GatewayContainmentMode mode)
    {
        var sleep = new FileInfo("/usr/bin/sleep").ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? "/usr/bin/sleep";
        var leader = ContainmentMachine.Launcher(mode).Start(
            new GatewayProcessStartInfo(sleep, ["60"], null, new Dictionary<string, string>(), 1024),
            new Ignored());

        // The trampoline moves itself into the cgroup just after the spawn: inotify on cgroup.events tells when it has.
        if (leader.RunContainment.CgroupDirectory is { } directory)
        {
            Assert.True(new CgroupDirectory(directory).WaitForEvent("populated", "1", Environment.TickCount64 + 15_000), $"{directory} stayed empty");
        }

        // Then it execs the sleeper; its environment (the cookie a restore checks) reads empty while the exec replaces its memory.
        // The kernel tells nobody when an exec is done, so the executable is looked at until it is the sleeper.
        var exe = $"/proc/{leader.Id}/exe";
        Assert.True(
            SpinWait.SpinUntil(() => new FileInfo(exe).ResolveLinkTarget(returnFinalTarget: false)?.FullName == sleep, TestTimeouts.Wait),
            $"pid {leader.Id} did not exec {sleep}");
        return leader;
    }

    private static GatewayPidRecord Record(int pid, RunContainment containment) => new(pid, 0, "http://127.0.0.1:1/health", null)
    {
        Containment = containment.Mode,
        CgroupDirectory = containment.CgroupDirectory,
        RunCookie = containment.Cookie,
    };

    private static ProcessTree Restore(int pid, RunContainment containment) =>
        AdoptedContainment.Restore(Record(pid, containment), null, NullLogger.Instance);

    private sealed class Ignored : IGatewayOutputHandler
    {
        public void OnLine(GatewayLogStream stream, string text)
        {
        }
    }
}
