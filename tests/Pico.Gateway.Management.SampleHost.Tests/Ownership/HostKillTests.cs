using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Ownership;

/// <summary>
/// Issue 12 with real processes: the host is SIGKILLed while its gateway logs every 10 ms, and a new host re-attaches. With
/// re-attach on, the gateway writes to spool files, not pipes, so it never notices its host died (a Go gateway such as picoclaw
/// would die of SIGPIPE on a pipe); the new host resumes reading where the dead one stopped: what was written while no host ran
/// is read, in order, and nothing is read twice.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Slow)]
public sealed class HostKillTests
{
    [Fact]
    public async Task A_host_killed_while_its_gateway_logs_every_10_ms_is_replaced_by_one_that_re_attaches_and_loses_no_line()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var workspace = new TestWorkspace();
        try
        {
            int pid;
            int lastSeenByFirst;
            await using (var crashed = await SampleHostProcesses.StartAsync(Settings(workspace)))
            {
                var (events, running) = await crashed.WaitForRunningGatewayAsync();
                await using (events)
                {
                    pid = running;
                    lastSeenByFirst = Ticks(await crashed.GetJsonAsync("/api/gateway/logs")).DefaultIfEmpty(0).Max();
                }

                crashed.Signal(PosixSignals.SIGKILL);
                Assert.True(await crashed.WaitForExitAsync(TestTimeouts.Wait), "the host survived SIGKILL");
            }

            // Where the dead host stopped: the end of the last whole line it took from the spool.
            var resumeAt = BinaryPrimitives.ReadInt64LittleEndian(await File.ReadAllBytesAsync(SecondHostTests.PidFile(workspace) + ".offsets"));

            await using var next = await SampleHostProcesses.StartAsync(Settings(workspace));
            var (nextEvents, adopted) = await next.WaitForRunningGatewayAsync();
            await using (nextEvents)
            {
                Assert.Equal(pid, adopted);
                Assert.Equal([pid], ProcessTable.LiveGatewaysWithMarker(workspace.Marker));
                using (var start = await next.Client.PostAsync(new Uri("/api/gateway/start", UriKind.Relative), content: null))
                {
                    Assert.Equal(HttpStatusCode.Conflict, start.StatusCode);
                }

                // Stopping it through the new host proves ownership; once it reports stopped, the spool is read to its end.
                using (var stop = await next.Client.PostAsync(new Uri("/api/gateway/stop", UriKind.Relative), content: null))
                {
                    Assert.Equal(pid, (await TestHost.ReadJsonAsync(stop)).GetProperty("pid").GetInt32());
                }

                await nextEvents.ReadStatusesUntilAsync(json => json.GetProperty("gateway_status").GetString() == "stopped");
                Assert.False(ProcessTable.IsAlive(pid));
            }

            var spool = await File.ReadAllBytesAsync(SecondHostTests.PidFile(workspace) + ".stdout");
            var before = Ticks(Encoding.ASCII.GetString(spool, 0, (int)resumeAt).Split('\n'));
            var after = Ticks(Encoding.ASCII.GetString(spool, (int)resumeAt, spool.Length - (int)resumeAt).Split('\n'));
            var readByNext = Ticks(await next.GetJsonAsync("/api/gateway/logs"));

            // Every line from where the first host stopped to the gateway's last, once, in order; none the first host had shown.
            Assert.True(after.Count > 10, $"only {after.Count} lines after the kill");
            Assert.Equal(before.Count == 0 ? 1 : before[^1] + 1, after[0]);
            Assert.Equal(Enumerable.Range(after[0], after.Count), after);
            Assert.Equal(after, readByNext);
            Assert.True(readByNext[0] > lastSeenByFirst, $"the new host read tick {readByNext[0]} again (the first host had shown {lastSeenByFirst})");
        }
        finally
        {
            OwnershipCleanup.KillSurvivors(workspace);
        }
    }

    private static TestHostSettings Settings(TestWorkspace workspace) => new TestHostSettings(workspace)
        .UseChild("chatty", "--port", "{port}", "--every-ms", "10")
        .Set("Gateway:AutoStart", "true")
        .Set("Gateway:LogCapacity", "100000");

    private static List<int> Ticks(JsonElement logs) => Ticks(logs.GetProperty("logs").EnumerateArray().Select(line => line.GetString()!));

    private static List<int> Ticks(IEnumerable<string> lines) =>
        [.. lines.Where(line => line.StartsWith("tick ", StringComparison.Ordinal)).Select(line => int.Parse(line.AsSpan(5), CultureInfo.InvariantCulture))];
}
