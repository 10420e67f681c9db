using Pico.Gateway.Management.Processes;
using Xunit.Abstractions;

namespace Pico.Gateway.Management.Tests.Containment;

/// <summary>An escapee that holds the gateway's stdout and stderr costs neither the exit's publication nor the host's threads.</summary>
public sealed class OutputHoldTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("daemon")]
    [InlineData("setpgid")]
    public async Task In_process_group_mode_a_surviving_escapee_does_not_hold_the_output(string how)
    {
        var (run, escapee) = await EscapeeRun.StartAsync(ContainmentMachine.Launcher(GatewayContainmentMode.ProcessGroup), how);
        using (run)
        {
            try
            {
                Assert.Equal(GatewayContainmentMode.ProcessGroup, run.Process.Containment);
                await run.KillAndWaitAsync();

                // The escapee is out of reach of this mode, and still holds both pipes: yet reading is over.
                Assert.True(escapee.IsAlive);
                // OutputClosed is a WhenAll whose continuation may run just after OutputCompleted's: awaited, not peeked at.
                await run.Process.OutputClosed.WaitAsync(TestTimeouts.Wait);
                Assert.Contains(run.Lines.Lines, line => line.StartsWith("ESCAPEE ", StringComparison.Ordinal));
            }
            finally
            {
                escapee.KillIfAlive();
            }
        }
    }

    [Theory]
    [InlineData(GatewayContainmentMode.Cgroup)]
    [InlineData(GatewayContainmentMode.Tracked)]
    public async Task The_pipes_close_because_every_holder_is_dead(GatewayContainmentMode mode)
    {
        if (mode == GatewayContainmentMode.Cgroup && ContainmentMachine.CgroupUnavailableReason is { } reason)
        {
            output.WriteLine($"cgroup containment not tested on this machine: {reason}");
            return;
        }

        var (run, escapee) = await EscapeeRun.StartAsync(ContainmentMachine.Launcher(mode), "daemon");
        using (run)
        {
            try
            {
                Assert.Equal(mode, run.Process.Containment);
                Assert.True(run.Process.IsInTree(escapee.Pid));
                Assert.False(run.Process.IsInTree(Environment.ProcessId));

                await run.KillAndWaitAsync();

                Assert.False(escapee.IsAlive);
                Assert.False(run.Process.IsInTree(escapee.Pid));
            }
            finally
            {
                escapee.KillIfAlive();
            }
        }
    }

    [Fact]
    public async Task Without_cgroup_kill_the_cgroup_is_frozen_and_every_member_killed()
    {
        if (ContainmentMachine.CgroupUnavailableReason is { } reason)
        {
            output.WriteLine($"cgroup containment not tested on this machine: {reason}");
            return;
        }

        var (run, escapee) = await EscapeeRun.StartAsync(ContainmentMachine.Launcher(GatewayContainmentMode.Cgroup, useKillFile: false), "daemon");
        using (run)
        {
            var cgroup = ContainmentMachine.CgroupDirectoryOf(run.Process.Id);
            try
            {
                // The gateway crashes: its leader dies alone, and the exit thread must deal with the daemon.
                Assert.Equal(0, LibC.kill(run.Process.Id, LibC.SIGKILL));
                await run.Process.Exited.WaitAsync(TimeSpan.FromSeconds(30));

                Assert.False(escapee.IsAlive);
                Assert.False(Directory.Exists(cgroup));
            }
            finally
            {
                escapee.KillIfAlive();
                ContainmentMachine.RemoveCgroup(cgroup);
            }
        }
    }
}
