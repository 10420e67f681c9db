using System.Net;
using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Ownership;

/// <summary>
/// Issue 12 with real processes: the host is SIGKILLed while its gateway logs every 10 ms, and a new host re-attaches. The gateway
/// here is a .NET program, which drops a write to a pipe nobody reads (EPIPE) and lives on; a Go gateway such as picoclaw dies of
/// SIGPIPE instead, which is what output capture that outlives the host (issue 12, item 3) is for.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Slow)]
public sealed class HostKillTests
{
    [Fact]
    public async Task A_host_killed_while_its_gateway_logs_every_10_ms_leaves_it_running_and_the_next_host_re_attaches_and_owns_it()
    {
        using var workspace = new TestWorkspace();
        try
        {
            int pid;
            await using (var crashed = await SampleHostProcesses.StartAsync(Settings(workspace)))
            {
                var (events, running) = await crashed.WaitForRunningGatewayAsync();
                await using (events)
                {
                    pid = running;

                    // The gateway is writing: the host has its lines.
                    Assert.True((await crashed.GetJsonAsync("/api/gateway/logs")).GetProperty("log_total").GetInt64() > 0);
                }

                crashed.Signal(PosixSignals.SIGKILL);
                Assert.True(await crashed.WaitForExitAsync(TestTimeouts.Wait), "the host survived SIGKILL");
            }

            await using var next = await SampleHostProcesses.StartAsync(Settings(workspace));
            var (nextEvents, adopted) = await next.WaitForRunningGatewayAsync();
            await using (nextEvents)
            {
                // It kept writing into the dead host's pipe since the kill, and lives.
                Assert.Equal(pid, adopted);
                Assert.Equal([pid], ProcessTable.LiveProcessesWithMarker(workspace.Marker));

                // The new host owns it: a second start is refused as already running, a stop reaches it.
                using (var start = await next.Client.PostAsync(new Uri("/api/gateway/start", UriKind.Relative), content: null))
                {
                    Assert.Equal(HttpStatusCode.Conflict, start.StatusCode);
                }

                using (var stop = await next.Client.PostAsync(new Uri("/api/gateway/stop", UriKind.Relative), content: null))
                {
                    Assert.Equal(pid, (await TestHost.ReadJsonAsync(stop)).GetProperty("pid").GetInt32());
                }

                await nextEvents.ReadStatusesUntilAsync(json => json.GetProperty("gateway_status").GetString() == "stopped");
                Assert.False(ProcessTable.IsAlive(pid));
            }
        }
        finally
        {
            OwnershipCleanup.KillSurvivors(workspace);
        }
    }

    private static TestHostSettings Settings(TestWorkspace workspace) => new TestHostSettings(workspace)
        .UseChild("chatty", "--port", "{port}", "--every-ms", "10")
        .Set("Gateway:AutoStart", "true");
}
