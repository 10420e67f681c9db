using System.Diagnostics;
using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Tests.Testing;

namespace Pico.Gateway.Management.Tests.Integration;

/// <summary>Spec section 6, ownership: one live host owns a gateway; a pid file names nothing we did not start.</summary>
public sealed class OwnershipTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("pico-owner-");

    private string PidFile => Path.Combine(_directory.FullName, "gateway.pid");

    [Fact]
    public async Task A_second_host_neither_adopts_starts_nor_stops_the_first_hosts_gateway()
    {
        await using var first = new RealGateway("healthy", configure: o => o.PidFilePath = PidFile);
        var started = await first.Manager.StartAsync().WaitAsync(Guard);
        await first.Recorder.WaitForStatusAsync(GatewayStatus.Running).WaitAsync(Guard);

        var second = new RealGateway("healthy", configure: o => o.PidFilePath = PidFile, port: first.Port);
        var refused = await second.Recorder.WaitForStatusAsync(GatewayStatus.Error).WaitAsync(Guard);
        Assert.Equal($"managed by another host (pid {Environment.ProcessId})", refused.LastError);
        Assert.Null(refused.ProcessId);

        var start = await second.Manager.StartAsync().WaitAsync(Guard);
        var restart = await second.Manager.RestartAsync().WaitAsync(Guard);
        var stop = await second.Manager.StopAsync().WaitAsync(Guard);
        await second.DisposeAsync();

        Assert.Equal((GatewayStartOutcome.Refused, refused.LastError), (start.Outcome, start.Message));
        Assert.Equal(GatewayStartOutcome.Refused, restart.Outcome);
        Assert.Equal((GatewayStopOutcome.Refused, refused.LastError), (stop.Outcome, stop.Message));
        Assert.True(ProcessTable.IsAlive(started.ProcessId!.Value));
        Assert.Equal(GatewayStatus.Running, first.Manager.Current.Status);
        Assert.True(File.Exists(PidFile));
    }

    [Fact]
    public async Task A_waiting_host_takes_over_when_the_owner_goes()
    {
        var first = new RealGateway("healthy", configure: o => o.PidFilePath = PidFile);
        await first.Manager.StartAsync().WaitAsync(Guard);
        await first.Recorder.WaitForStatusAsync(GatewayStatus.Running).WaitAsync(Guard);
        await using var second = new RealGateway("healthy", configure: o => o.PidFilePath = PidFile, port: first.Port);
        await second.Recorder.WaitForStatusAsync(GatewayStatus.Error).WaitAsync(Guard);

        await first.DisposeAsync();
        await second.Manager.TickAsync(CancellationToken.None).WaitAsync(Guard);

        var taken = second.Manager.Current;
        Assert.Equal(GatewayStatus.Stopped, taken.Status);
        Assert.Null(taken.LastError);
        var start = await second.Manager.StartAsync().WaitAsync(Guard);
        Assert.Equal(GatewayStartOutcome.Started, start.Outcome);
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite)]
    public async Task A_pid_file_others_may_write_is_ignored_and_kept(UnixFileMode mode)
    {
        var leader = StartGroupLeader();
        try
        {
            await File.WriteAllTextAsync(PidFile, RecordOf(leader.Id));
            File.SetUnixFileMode(PidFile, mode);

            await using (var gateway = new RealGateway("healthy", configure: o => o.PidFilePath = PidFile))
            {
                Assert.Equal(GatewayStatus.Stopped, gateway.Manager.Current.Status);
                Assert.Null(gateway.Manager.Current.ProcessId);
            }

            Assert.True(File.Exists(PidFile));
            Assert.False(leader.Exited.IsCompleted);
        }
        finally
        {
            Kill(leader);
        }
    }

    [Fact]
    public async Task A_pid_file_naming_a_process_that_leads_no_group_is_stale_and_nothing_is_signalled()
    {
        // Started by .NET, the child stays in the test's own process group: a group signal to its pid would reach no group.
        using var member = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        try
        {
            await File.WriteAllTextAsync(PidFile, RecordOf(member.Id));

            await using (var gateway = new RealGateway("healthy", configure: o => o.PidFilePath = PidFile))
            {
                Assert.Null(gateway.Manager.Current.ProcessId);
                Assert.False(File.Exists(PidFile));
            }

            Assert.False(member.HasExited);
        }
        finally
        {
            Kill(member);
        }
    }

    [Fact]
    public async Task A_pid_file_naming_another_executable_is_stale_and_nothing_is_signalled()
    {
        var leader = StartGroupLeader();
        try
        {
            await File.WriteAllTextAsync(PidFile, RecordOf(leader.Id, executable: "/usr/local/bin/picoclaw"));

            await using (var gateway = new RealGateway("healthy", configure: o => o.PidFilePath = PidFile))
            {
                Assert.Null(gateway.Manager.Current.ProcessId);
                Assert.False(File.Exists(PidFile));
            }

            Assert.False(leader.Exited.IsCompleted);
        }
        finally
        {
            Kill(leader);
        }
    }

    [Fact]
    public async Task A_faithful_record_of_a_group_leader_is_adopted()
    {
        var leader = StartGroupLeader();
        try
        {
            await File.WriteAllTextAsync(PidFile, RecordOf(leader.Id));

            await using var gateway = new RealGateway("healthy", configure: o => o.PidFilePath = PidFile);

            Assert.Equal(leader.Id, gateway.Manager.Current.ProcessId);
            Assert.True(gateway.Manager.Current.IsAdopted);
        }
        finally
        {
            Kill(leader);
        }
    }

    public void Dispose() => _directory.Delete(recursive: true);

    /// <summary>A process that leads a group of its own, as a spawned gateway does: our own launcher spawns it so.</summary>
    private static IGatewayProcess StartGroupLeader() =>
        new UnixProcessLauncher().Start(new GatewayProcessStartInfo("sleep", ["60"], null, new Dictionary<string, string>(), 1024) { Containment = GatewayContainmentMode.ProcessGroup },
            new IgnoredOutput());

    private static string RecordOf(int pid, string? executable = null)
    {
        Assert.True(ProcessIdentity.TryGetStartTime(pid, out var startTime));
        var record = new GatewayPidRecord(pid, startTime, "http://127.0.0.1:1/health", null)
        {
            Executable = executable ?? ProcessInspection.TryGetExecutable(pid),
            CommandLine = ProcessInspection.TryGetCommandLine(pid),
        };
        var file = Path.GetTempFileName();
        try
        {
            new GatewayPidFile(file).Write(record);
            return File.ReadAllText(file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static void Kill(IGatewayProcess process)
    {
        process.Kill();
        process.Exited.Wait(Guard);
    }

    private static void Kill(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit(Guard);
        }
    }

    private sealed class IgnoredOutput : IGatewayOutputHandler
    {
        public void OnLine(GatewayLogStream stream, string text)
        {
        }
    }
}
