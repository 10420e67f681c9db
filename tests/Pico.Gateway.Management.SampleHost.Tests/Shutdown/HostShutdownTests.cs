using System.Diagnostics;
using System.Net;
using Pico.Gateway.Management.SampleHost.Picoclaw;
using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Shutdown;

/// <summary>
/// Issue 4, item 4, with real processes: the sample host runs as its own process, its gateway as that host's child, and the test
/// signals the host as an init system or a user at a terminal would.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Slow)]
public sealed class HostShutdownTests
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(2);

    // Room for the host's own tear-down around the gateway's stop (Kestrel, the container, the runtime) on a loaded machine.
    private static readonly TimeSpan ExitGuard = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData("healthy")]
    [InlineData("ignore-term")]
    public async Task Sigterm_stops_the_hosts_gateway_and_the_host_exits_within_stop_and_kill_timeouts(string mode)
    {
        using var workspace = new TestWorkspace();
        try
        {
            await using var host = await SampleHostProcesses.StartAsync(Settings(workspace).UseChild(mode, "--port", "{port}"));

            // An open dashboard stream must not hold the host up.
            var (events, pid) = await host.WaitForRunningGatewayAsync();
            await using (events)
            {
                var stopwatch = Stopwatch.StartNew();
                host.Signal(PosixSignals.SIGTERM);

                var bound = StopTimeout + KillTimeout + ExitGuard;
                Assert.True(await host.WaitForExitAsync(bound), $"the host did not exit within {bound.TotalSeconds} s of SIGTERM:\n{host.Output}");
                Assert.True(host.ExitCode == 0, $"exit code {host.ExitCode}:\n{host.Output}");
                Assert.False(ProcessTable.IsAlive(pid), $"the gateway {pid} outlived its host");
                if (mode == "ignore-term")
                {
                    // It ignored SIGTERM, so only the kill after StopTimeout can have ended it.
                    Assert.True(stopwatch.Elapsed >= StopTimeout - TimeSpan.FromMilliseconds(100), $"exited after {stopwatch.Elapsed}");
                }
            }

            Assert.Empty(ProcessTable.LiveProcessesWithMarker(workspace.Marker));
            Assert.False(File.Exists(PidFile(workspace)), "a cleanly stopped gateway leaves no pid file");
        }
        finally
        {
            KillSurvivors(workspace);
        }
    }

    [Fact]
    public async Task Sigkill_of_the_host_leaves_the_gateway_running_and_the_next_host_adopts_and_stops_it()
    {
        using var workspace = new TestWorkspace();
        try
        {
            int pid;
            await using (var crashed = await SampleHostProcesses.StartAsync(Settings(workspace)))
            {
                var (events, running) = await crashed.WaitForRunningGatewayAsync();
                await events.DisposeAsync();
                pid = running;

                crashed.Signal(PosixSignals.SIGKILL);
                Assert.True(await crashed.WaitForExitAsync(TestTimeouts.Wait), "the host survived SIGKILL");
                Assert.Equal(128 + PosixSignals.SIGKILL, crashed.ExitCode);
            }

            // The gateway lives in its own process group: the host's death did not take it along.
            Assert.True(ProcessTable.IsAlive(pid), $"the gateway {pid} died with its host");
            Assert.True(File.Exists(PidFile(workspace)));

            await using var next = await SampleHostProcesses.StartAsync(Settings(workspace));
            var (nextEvents, adopted) = await next.WaitForRunningGatewayAsync();
            await using (nextEvents)
            {
                Assert.Equal(pid, adopted);
                var status = await next.GetJsonAsync("/api/gateway/status");
                Assert.Equal("running", status.GetProperty("gateway_status").GetString());
                Assert.Equal(pid, status.GetProperty("pid").GetInt32());
                Assert.Equal([pid], ProcessTable.LiveGatewaysWithMarker(workspace.Marker));

                // Its output goes to spool files, not to the dead host's pipes: this host reads on where that one stopped
                // (Ownership/HostKillTests proves no line is lost or read twice).

                using (var stop = await next.Client.PostAsync(new Uri("/api/gateway/stop", UriKind.Relative), content: null))
                {
                    Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
                    var body = await TestHost.ReadJsonAsync(stop);
                    Assert.Equal("ok", body.GetProperty("status").GetString());
                    Assert.Equal(pid, body.GetProperty("pid").GetInt32());
                }

                var statuses = await nextEvents.ReadStatusesUntilAsync(json => json.GetProperty("gateway_status").GetString() == "stopped");
                Assert.Contains("stopping", statuses);
                Assert.False(ProcessTable.IsAlive(pid), $"the adopted gateway {pid} survived the stop");
            }

            next.Signal(PosixSignals.SIGTERM);
            Assert.True(await next.WaitForExitAsync(StopTimeout + KillTimeout + ExitGuard), $"the second host did not exit:\n{next.Output}");
            Assert.Equal(0, next.ExitCode);
            Assert.Empty(ProcessTable.LiveProcessesWithMarker(workspace.Marker));
            Assert.False(File.Exists(PidFile(workspace)));
        }
        finally
        {
            KillSurvivors(workspace);
        }
    }

    private static TestHostSettings Settings(TestWorkspace workspace) => new TestHostSettings(workspace)
        .Set("Gateway:AutoStart", "true")
        .Set("Gateway:StopTimeout", StopTimeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture))
        .Set("Gateway:KillTimeout", KillTimeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture));

    private static string PidFile(TestWorkspace workspace) => Path.Combine(workspace.Directory, PicoclawSetup.PidFileName);

    /// <summary>After a failure, an orphaned gateway (its host killed) belongs to no process the test holds: find it by its marker.</summary>
    private static void KillSurvivors(TestWorkspace workspace)
    {
        foreach (var survivor in ProcessTable.LiveProcessesWithMarker(workspace.Marker))
        {
            try
            {
                PosixSignals.Send(survivor, PosixSignals.SIGKILL);
            }
            catch (InvalidOperationException)
            {
                // Gone meanwhile.
            }
        }
    }
}
