using Pico.Gateway.Management.Processes;
using Xunit.Abstractions;

namespace Pico.Gateway.Management.Tests.Containment;

/// <summary>
/// A spawn held at the exec gate runs nothing of the gateway until it is let run: if the host's end of the gate closes first (the
/// host died before recording the spawn), the trampoline exits with 125 and the gateway never starts, so no gateway is left that no
/// pid file names (found by the host churn test). Disposing the process closes the gate the way the kernel does for a dead host.
/// </summary>
public sealed class ExecGateTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pico-gate-").FullName;

    [Theory]
    [InlineData(GatewayContainmentMode.ProcessGroup)]
    [InlineData(GatewayContainmentMode.Tracked)]
    [InlineData(GatewayContainmentMode.Cgroup)]
    public async Task A_held_spawn_whose_gate_closes_unopened_exits_without_running_the_gateway(GatewayContainmentMode mode)
    {
        if (!OperatingSystem.IsLinux() || ContainmentMachine.Skips(mode, output))
        {
            return;
        }

        var ran = Path.Combine(_directory, "ran");
        var process = ContainmentMachine.Launcher(mode).Start(Touch(ran), new LineCollector(), held: true);
        var cgroup = process.RunContainment.CgroupDirectory;
        try
        {
            process.Dispose();

            var exit = await process.Exited.WaitAsync(TestTimeouts.Wait);
            Assert.Equal(125, exit.ExitCode);
            Assert.False(File.Exists(ran), "the gateway ran although its gate was never opened");
            Assert.True(cgroup is null || !Directory.Exists(cgroup), $"the cgroup {cgroup} was left behind");
        }
        finally
        {
            if (cgroup is not null)
            {
                ContainmentMachine.RemoveCgroup(cgroup);
            }
        }
    }

    [Theory]
    [InlineData(GatewayContainmentMode.ProcessGroup)]
    [InlineData(GatewayContainmentMode.Tracked)]
    [InlineData(GatewayContainmentMode.Cgroup)]
    public async Task A_held_spawn_let_run_execs_the_gateway_in_the_same_process(GatewayContainmentMode mode)
    {
        if (!OperatingSystem.IsLinux() || ContainmentMachine.Skips(mode, output))
        {
            return;
        }

        var ran = Path.Combine(_directory, "ran");
        using var process = ContainmentMachine.Launcher(mode).Start(Touch(ran), new LineCollector(), held: true);
        var cgroup = process.RunContainment.CgroupDirectory;
        try
        {
            process.LetRun();

            // touch exits 0 only if it ran, in the process the launcher spawned (its exit is the one the launcher reaped).
            var exit = await process.Exited.WaitAsync(TestTimeouts.Wait);
            Assert.Equal(0, exit.ExitCode);
            Assert.True(File.Exists(ran));
        }
        finally
        {
            if (cgroup is not null)
            {
                ContainmentMachine.RemoveCgroup(cgroup);
            }
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static GatewayProcessStartInfo Touch(string path) =>
        new("touch", [path], null, new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" }, 1024);
}
