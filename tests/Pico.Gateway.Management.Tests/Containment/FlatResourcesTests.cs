using Xunit.Abstractions;

namespace Pico.Gateway.Management.Tests.Containment;

/// <summary>
/// Fifty runs of a gateway whose daemon holds its stdout and stderr: before containment each run left four reader threads and two
/// descriptors behind for as long as the daemon lived. The host's thread and descriptor counts must stay flat, in every mode, even
/// in process-group mode where the daemons (cheap sleepers here) all stay alive until the test ends.
/// </summary>
[Collection(FlatResourcesCollectionDefinition.Name)]
public sealed class FlatResourcesTests(ITestOutputHelper output)
{
    private const int Runs = 50;
    private const int WarmUpRuns = 3;
    private const int Tolerance = 16;

    [Theory]
    [InlineData(GatewayContainmentMode.ProcessGroup)]
    [InlineData(GatewayContainmentMode.Tracked)]
    [InlineData(GatewayContainmentMode.Cgroup)]
    public async Task Threads_and_descriptors_stay_flat_over_fifty_runs_whose_daemon_holds_the_pipes(GatewayContainmentMode mode)
    {
        if (mode == GatewayContainmentMode.Cgroup && ContainmentMachine.CgroupUnavailableReason is { } reason)
        {
            output.WriteLine($"cgroup containment not tested on this machine: {reason}");
            return;
        }

        var launcher = ContainmentMachine.Launcher(mode);
        var marker = "pico-test-" + Guid.NewGuid().ToString("N");
        try
        {
            for (var i = 0; i < WarmUpRuns; i++)
            {
                await RunOnceAsync(launcher, marker);
            }

            var (threadsBefore, descriptorsBefore) = Count();
            for (var i = 0; i < Runs; i++)
            {
                await RunOnceAsync(launcher, marker);
            }

            var (threadsAfter, descriptorsAfter) = Count();
            var survivors = ProcessTable.LiveProcessesWithMarker(marker).Count;
            output.WriteLine($"{mode}: threads {threadsBefore} -> {threadsAfter}, descriptors {descriptorsBefore} -> {descriptorsAfter}, daemons alive {survivors}");
            Assert.InRange(threadsAfter - threadsBefore, int.MinValue, Tolerance);
            Assert.InRange(descriptorsAfter - descriptorsBefore, int.MinValue, Tolerance);
            Assert.Equal(mode == GatewayContainmentMode.ProcessGroup ? Runs + WarmUpRuns : 0, survivors);
        }
        finally
        {
            TestCleanup.KillMarked(marker);
        }
    }

    private static async Task RunOnceAsync(Pico.Gateway.Management.Processes.IGatewayProcessLauncher launcher, string marker)
    {
        var (run, _) = await EscapeeRun.StartAsync(launcher, "cheap-daemon", marker);

        // Not disposed through the run: its cleanup would kill the marked daemons this test counts.
        await run.KillAndWaitAsync();
        run.Process.Dispose();
        TestCleanup.DeleteFile(run.PidFile);
    }

    private static (int Threads, int Descriptors) Count()
    {
        var threads = File.ReadAllLines("/proc/self/status").Single(line => line.StartsWith("Threads:", StringComparison.Ordinal));
        return (int.Parse(threads["Threads:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture), Directory.GetFiles("/proc/self/fd").Length);
    }
}
