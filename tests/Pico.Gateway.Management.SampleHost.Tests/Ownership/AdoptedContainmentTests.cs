using System.Globalization;
using System.Net;
using System.Text.Json;
using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Processes.Containment;
using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Ownership;

/// <summary>
/// Issue 9 across a host crash, with real hosts: host A starts a gateway that daemonizes a descendant (an intermediate that exits,
/// then setsid), A is SIGKILLed, host B re-attaches through the pid file and is told to stop: the daemon goes with the gateway, as
/// it would have with A, because B contains the run as A recorded it (its cgroup, or its cookie), not by its process group only.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Slow)]
public sealed class AdoptedContainmentTests
{
    [Theory]
    [InlineData("Cgroup")]
    [InlineData("Tracked")]
    public async Task A_gateway_re_attached_after_its_host_was_killed_is_stopped_with_its_daemon(string mode)
    {
        if (!OperatingSystem.IsLinux() || (mode == "Cgroup" && CgroupProblem() is not null))
        {
            return;
        }

        using var workspace = new TestWorkspace();
        var escapeeFile = Path.Combine(workspace.Directory, "escapee.pid");
        var settings = new TestHostSettings(workspace)
            .UseChild("escapee", "--how", "daemon", "--pid-file", escapeeFile, "--port", "{port}")
            .Set("Gateway:AutoStart", "true")
            .Set("Gateway:Containment", mode);
        string? cgroup = null;
        try
        {
            int pid;
            await using (var crashed = await SampleHostProcesses.StartAsync(settings))
            {
                var (events, running) = await crashed.WaitForRunningGatewayAsync();
                await events.DisposeAsync();
                pid = running;
                using (var record = JsonDocument.Parse(await File.ReadAllBytesAsync(SecondHostTests.PidFile(workspace))))
                {
                    Assert.Equal(mode, record.RootElement.GetProperty("containment").GetString());
                    cgroup = record.RootElement.GetProperty("cgroup").GetString();
                }

                crashed.Signal(PosixSignals.SIGKILL);
                Assert.True(await crashed.WaitForExitAsync(TestTimeouts.Wait), "the host survived SIGKILL");
            }

            var escapee = await ReadEscapeeAsync(escapeeFile);
            Assert.True(ProcessTable.IsAlive(escapee), "the daemon died with its host, so the test would prove nothing");

            await using var next = await SampleHostProcesses.StartAsync(settings);
            var (nextEvents, adopted) = await next.WaitForRunningGatewayAsync();
            await using (nextEvents)
            {
                Assert.Equal(pid, adopted);
                using (var stop = await next.Client.PostAsync(new Uri("/api/gateway/stop", UriKind.Relative), content: null))
                {
                    Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
                }

                await nextEvents.ReadStatusesUntilAsync(json => json.GetProperty("gateway_status").GetString() == "stopped");
            }

            Assert.False(ProcessTable.IsAlive(escapee), $"the daemon {escapee} survived the stop of the re-attached gateway in {mode} mode");
            Assert.Empty(ProcessTable.LiveProcessesWithMarker(workspace.Marker));
            if (cgroup is not null)
            {
                Assert.False(Directory.Exists(cgroup), $"the cgroup {cgroup} was left behind");
            }
        }
        finally
        {
            OwnershipCleanup.KillSurvivors(workspace);
            if (cgroup is not null && Directory.Exists(cgroup))
            {
                var directory = new CgroupDirectory(cgroup);
                directory.KillMembers(useKillFile: directory.HasKillFile);
                _ = directory.WaitForEvent("populated", "0", Environment.TickCount64 + 10_000);
                _ = directory.TryRemove(out _);
            }
        }
    }

    private static async Task<int> ReadEscapeeAsync(string file) =>
        int.Parse((await File.ReadAllTextAsync(file)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>Why a sample host could not put its gateway in a cgroup of its own here, or null.</summary>
    private static string? CgroupProblem()
    {
        if (!CgroupHierarchy.TryFindOwnCgroup(out var own, out var reason))
        {
            return reason;
        }

        return LibC.access(own, 2) == 0 ? null : $"{own} is not writable";
    }
}
