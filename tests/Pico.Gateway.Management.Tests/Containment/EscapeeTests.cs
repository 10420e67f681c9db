using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Tests.Testing;
using Xunit.Abstractions;

namespace Pico.Gateway.Management.Tests.Containment;

/// <summary>
/// Issue 9's table, with real processes: a descendant that stays in the group, a daemon (intermediate exits, then setsid) and one
/// that calls setpgid(0, 0) must all be dead after a stop, after the gateway crashes, and after host shutdown, in every containment
/// mode that reaches them, and no cgroup may be left behind.
/// </summary>
public sealed class EscapeeTests(ITestOutputHelper output)
{
    public static TheoryData<GatewayContainmentMode, string, string> Rows()
    {
        var rows = new TheoryData<GatewayContainmentMode, string, string>();
        foreach (var mode in new[] { GatewayContainmentMode.Cgroup, GatewayContainmentMode.Tracked })
        {
            foreach (var how in new[] { "plain", "daemon", "setpgid" })
            {
                foreach (var ending in new[] { "stop", "crash", "host-shutdown" })
                {
                    rows.Add(mode, how, ending);
                }
            }
        }

        // The process group reaches only what stays in it; the daemon and setpgid rows are what the other modes exist for.
        foreach (var ending in new[] { "stop", "crash", "host-shutdown" })
        {
            rows.Add(GatewayContainmentMode.ProcessGroup, "plain", ending);
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task The_descendant_dies_with_the_gateway(GatewayContainmentMode mode, string how, string ending)
    {
        if (mode == GatewayContainmentMode.Cgroup && ContainmentMachine.CgroupUnavailableReason is { } reason)
        {
            output.WriteLine($"cgroup containment not tested on this machine: {reason}");
            return;
        }

        var pidFile = Path.Combine(Path.GetTempPath(), $"pico-escapee-{Guid.NewGuid():N}.pid");
        var gateway = new RealGateway("escapee", ["--how", how, "--pid-file", pidFile], launcher: ContainmentMachine.Launcher(mode));
        var disposed = false;
        Escapee? escapee = null;
        string? cgroup = null;
        try
        {
            var started = await gateway.Manager.StartAsync();
            await gateway.Recorder.WaitForStatusAsync(GatewayStatus.Running);
            await gateway.Lines.WaitForPrefixAsync("ESCAPEE ");
            escapee = Escapee.Read(pidFile);
            var gatewayPid = started.ProcessId!.Value;
            if (mode == GatewayContainmentMode.Cgroup)
            {
                cgroup = ContainmentMachine.CgroupDirectoryOf(gatewayPid);
                Assert.Contains("pico-gateway-", cgroup, StringComparison.Ordinal);
                Assert.Equal(cgroup, ContainmentMachine.CgroupDirectoryOf(escapee.Pid));
            }

            switch (ending)
            {
                case "stop":
                    var stop = await gateway.Manager.StopAsync();
                    await stop.Exited.WaitAsync(TimeSpan.FromSeconds(30));
                    break;
                case "crash":
                    // SIGKILL of the gateway alone: a crash, as far as the manager knows.
                    Assert.Equal(0, LibC.kill(gatewayPid, LibC.SIGKILL));
                    await gateway.Recorder.WaitForStatusAsync(GatewayStatus.Stopped, occurrence: 2);
                    break;
                default:
                    disposed = true;
                    await gateway.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
                    break;
            }

            // The exit is published only once the tree has been dealt with: no wait is needed here.
            TestCleanup.AssertTreeGone(escapee, cgroup, $"{ending} ({how}) in {mode} mode");
        }
        finally
        {
            TestCleanup.KillTree(escapee, gateway.Marker, cgroup);

            if (!disposed)
            {
                await gateway.DisposeAsync();
            }

            TestCleanup.DeleteFile(pidFile);
        }
    }
}
