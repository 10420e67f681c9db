using System.Globalization;
using System.Net;
using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Ownership;

/// <summary>
/// The orphan the host churn test found, made exact: a host SIGKILLed after spawning its gateway and before the pid file names it.
/// The spawn is held at its exec until the record is written, so the killed host leaves a held process that exits, never a gateway
/// that no later host can adopt and that keeps the port ("port N is already in use by pid M"). The host is stopped inside the record
/// by a full FIFO where it writes the pid file's temporary copy: its open succeeds, its write blocks.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Slow)]
public sealed class HeldSpawnTests
{
    [Fact]
    public async Task A_host_killed_between_its_spawn_and_the_pid_file_record_leaves_no_gateway_and_the_next_host_starts_one()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var workspace = new TestWorkspace();
        try
        {
            int held;
            await using (var killed = await SampleHostProcesses.StartAsync(SecondHostTests.Settings(workspace).Set("Gateway:AutoStart", "false")))
            {
                var pidFile = SecondHostTests.PidFile(workspace);
                var temporary = Path.Combine(workspace.Directory, $".{Path.GetFileName(pidFile)}.{killed.Id.ToString(CultureInfo.InvariantCulture)}.tmp");
                using var fifo = new FullFifo(temporary);

                // Never answered: the host is killed inside it.
                var start = killed.Client.PostAsync(new Uri("/api/gateway/start", UriKind.Relative), content: null);
                Assert.True(fifo.WaitForOpen(TestTimeouts.Wait), $"the host never wrote its pid file:\n{killed.Output}");

                // Spawned and held: the one process with the gateway's environment is still the trampoline, not the gateway.
                held = Assert.Single(ProcessTable.LiveProcessesWithMarker(workspace.Marker));
                Assert.Matches("/(sh|dash|bash|busybox)$", new FileInfo($"/proc/{held}/exe").ResolveLinkTarget(returnFinalTarget: true)!.FullName);

                killed.Signal(PosixSignals.SIGKILL);
                Assert.True(await killed.WaitForExitAsync(TestTimeouts.Wait), "the host survived SIGKILL");
                await Assert.ThrowsAnyAsync<Exception>(() => start);
            }

            // The kernel closed the dead host's end of the gate: the held process exits instead of running the gateway.
            Assert.True(ProcessExit.Wait(held, TestTimeouts.Wait), $"the held spawn {held} outlived its host");
            Assert.Empty(ProcessTable.LiveProcessesWithMarker(workspace.Marker));

            await using var next = await SampleHostProcesses.StartAsync(SecondHostTests.Settings(workspace));
            var (events, running) = await next.WaitForRunningGatewayAsync();
            await using (events)
            {
                Assert.NotEqual(held, running);
                Assert.Equal([running], ProcessTable.LiveGatewaysWithMarker(workspace.Marker));
                using var stop = await next.Client.PostAsync(new Uri("/api/gateway/stop", UriKind.Relative), content: null);
                Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
                await events.ReadStatusesUntilAsync(json => json.GetProperty("gateway_status").GetString() == "stopped");
            }
        }
        finally
        {
            OwnershipCleanup.KillSurvivors(workspace);
        }
    }
}
