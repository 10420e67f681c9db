using System.Diagnostics;
using System.Text.Json;
using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Tests.Testing;

namespace Pico.Gateway.Management.Tests.Integration;

/// <summary>Spec section 6, re-attach: the pid file lets a new manager find the gateway an earlier one spawned.</summary>
public sealed class ReattachTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("pico-pid-");

    private string PidFile => Path.Combine(_directory.FullName, "gateway.pid");

    [Fact]
    public async Task The_pid_file_records_pid_start_time_and_health_url_readable_by_the_owner_only()
    {
        await using var gateway = new RealGateway("healthy", configure: o => o.PidFilePath = PidFile);
        var started = await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);

        using var document = JsonDocument.Parse(await File.ReadAllBytesAsync(PidFile));
        Assert.Equal(started.ProcessId, document.RootElement.GetProperty("pid").GetInt32());
        Assert.True(ProcessIdentity.TryGetStartTime(started.ProcessId!.Value, out var startTime));
        Assert.Equal(startTime, document.RootElement.GetProperty("start_time").GetInt64());
        Assert.Equal(gateway.Options.HealthCheckUrl, document.RootElement.GetProperty("health_url").GetString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(PidFile));

        var stop = await gateway.Manager.StopAsync().WaitAsync(TestTimeouts.Wait);
        await stop.Exited.WaitAsync(TestTimeouts.Wait);
        Assert.False(File.Exists(PidFile));
    }

    [Fact]
    public async Task A_new_manager_adopts_the_running_gateway_instead_of_spawning_a_second_one()
    {
        // The first manager stands for a host that crashed: it is abandoned, not stopped.
        var crashed = new RealGateway("healthy", configure: o => o.PidFilePath = PidFile);
        var original = await crashed.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        await crashed.Recorder.WaitForStatusAsync(GatewayStatus.Running);
        crashed.Manager.ReleaseOwnershipAsIfCrashed();

        await using (var next = new RealGateway("healthy", configure: o => o.PidFilePath = PidFile, port: crashed.Port, marker: crashed.Marker))
        {
            var adopted = await next.Recorder.WaitForStatusAsync(GatewayStatus.Running);
            Assert.Equal(original.ProcessId, adopted.ProcessId);
            Assert.True(adopted.IsAdopted);

            var start = await next.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
            Assert.Equal(GatewayStartResult.AlreadyRunning(original.ProcessId!.Value), start);

            var stop = await next.Manager.StopAsync().WaitAsync(TestTimeouts.Wait);
            await stop.Exited.WaitAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(GatewayStatus.Stopped, next.Manager.Current.Status);
            Assert.False(ProcessTable.IsAlive(original.ProcessId.Value));
            Assert.False(File.Exists(PidFile));
        }

        await crashed.DisposeAsync();
    }

    [Fact]
    public async Task An_adopted_gateway_that_dies_is_noticed()
    {
        var crashed = new RealGateway("healthy", configure: o => o.PidFilePath = PidFile);
        var original = await crashed.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        await crashed.Recorder.WaitForStatusAsync(GatewayStatus.Running);
        crashed.Manager.ReleaseOwnershipAsIfCrashed();

        await using (var next = new RealGateway("healthy", configure: o => o.PidFilePath = PidFile, port: crashed.Port, marker: crashed.Marker))
        {
            await next.Recorder.WaitForStatusAsync(GatewayStatus.Running);

            Assert.Equal(0, LibC.kill(original.ProcessId!.Value, LibC.SIGKILL));

            // Adoption happens when supervision begins (before the fixture subscribes), so the first snapshot seen is the adopted
            // gateway: starting, or running already if the first tick's probe was quicker than the subscription.
            Assert.Equal((original.ProcessId, true), (next.Recorder.Events[0].ProcessId, next.Recorder.Events[0].IsAdopted));
            var stopped = await next.Recorder.WaitForStatusAsync(GatewayStatus.Stopped);
            Assert.Equal("the gateway exited unexpectedly", stopped.LastError);
            Assert.Null(stopped.LastExitCode);
        }

        await crashed.DisposeAsync();
    }

    [Fact]
    public async Task A_recycled_pid_is_never_signalled_and_the_stale_file_is_removed()
    {
        using var stranger = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        try
        {
            Assert.True(ProcessIdentity.TryGetStartTime(stranger.Id, out var startTime));
            await File.WriteAllTextAsync(PidFile, $$"""{"pid":{{stranger.Id}},"start_time":{{startTime - 1}},"health_url":"http://127.0.0.1:1/health"}""");

            await using (var gateway = new RealGateway("healthy", configure: o => o.PidFilePath = PidFile))
            {
                Assert.Equal(GatewayStatus.Stopped, gateway.Manager.Current.Status);
                Assert.Null(gateway.Manager.Current.ProcessId);
                Assert.False(File.Exists(PidFile));

                var stop = await gateway.Manager.StopAsync().WaitAsync(TestTimeouts.Wait);
                Assert.Equal(GatewayStopOutcome.NotRunning, stop.Outcome);
            }

            Assert.False(stranger.HasExited);
        }
        finally
        {
            stranger.Kill();
            await stranger.WaitForExitAsync().WaitAsync(TestTimeouts.Wait);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"pid":"twelve"}""")]
    public async Task An_unreadable_pid_file_is_removed(string content)
    {
        await File.WriteAllTextAsync(PidFile, content);

        await using var gateway = new RealGateway("healthy", configure: o => o.PidFilePath = PidFile);

        Assert.False(File.Exists(PidFile));
        Assert.Equal(GatewayStatus.Stopped, gateway.Manager.Current.Status);
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
