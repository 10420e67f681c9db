using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Pico.Gateway.Management.Configuration;
using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Processes.Containment;
using Pico.Gateway.Management.Tests.Testing;

namespace Pico.Gateway.Management.Tests.Containment;

public sealed class ContainmentSelectorTests
{
    private static readonly GatewayProcessStartInfo StartInfo = new(TestChild.ExecutablePath, ["exit"], null, new Dictionary<string, string>(), 4096);

    [Fact]
    public void An_unusable_cgroup_parent_falls_back_to_the_tracked_tree_and_says_why()
    {
        var logger = new FakeLogger();
        var selector = new ContainmentSelector(logger);

        var (spawnInfo, tree) = selector.Prepare(StartInfo with { CgroupParent = "/tmp/not-a-cgroup" });

        Assert.Equal(GatewayContainmentMode.Tracked, tree.Mode);
        Assert.Equal(StartInfo.ExecutablePath, spawnInfo.ExecutablePath);
        Assert.Contains(((TrackedProcessTree)tree).Cookie.Value, spawnInfo.Environment[RunCookie.VariableName], StringComparison.Ordinal);
        var records = logger.Collector.GetSnapshot();
        Assert.Contains(records, r => r.Id.Id == 26 && r.Level == LogLevel.Warning && r.Message.Contains("/tmp/not-a-cgroup is not a directory of a mounted cgroup2", StringComparison.Ordinal));
        Assert.Contains(records, r => r.Id.Id == 25 && r.Message.StartsWith("Gateway containment: Tracked", StringComparison.Ordinal));
    }

    [Fact]
    public void An_explicit_cgroup_request_that_cannot_be_met_fails_the_start()
    {
        var selector = new ContainmentSelector();

        var error = Assert.Throws<GatewaySpawnException>(() =>
            selector.Prepare(StartInfo with { Containment = GatewayContainmentMode.Cgroup, CgroupParent = "/tmp/not-a-cgroup" }));

        Assert.StartsWith("cgroup containment is not available: /tmp/not-a-cgroup", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_process_group_mode_changes_nothing_of_the_start()
    {
        var (spawnInfo, tree) = new ContainmentSelector().Prepare(StartInfo with { Containment = GatewayContainmentMode.ProcessGroup });

        Assert.Equal(GatewayContainmentMode.ProcessGroup, tree.Mode);
        Assert.Same(StartInfo.Environment, spawnInfo.Environment);
    }

    [Fact]
    public void A_missing_executable_is_still_a_spawn_error_through_the_cgroup_trampoline()
    {
        if (ContainmentMachine.CgroupUnavailableReason is not null)
        {
            return;
        }

        var launcher = ContainmentMachine.Launcher(GatewayContainmentMode.Cgroup);

        var error = Assert.Throws<GatewaySpawnException>(() =>
            launcher.Start(StartInfo with { ExecutablePath = "/nonexistent/picoclaw" }, new LineCollector()));
        Assert.Equal("could not start '/nonexistent/picoclaw': No such file or directory", error.Message);
        Assert.Throws<GatewaySpawnException>(() => launcher.Start(StartInfo with { ExecutablePath = "no-such-gateway-on-path" }, new LineCollector()));
    }

    [Theory]
    [InlineData(GatewayContainmentMode.Auto, null, 0)]
    [InlineData(GatewayContainmentMode.Cgroup, "/sys/fs/cgroup/pico", 0)]
    [InlineData(GatewayContainmentMode.Tracked, "/sys/fs/cgroup/pico", 1)]
    [InlineData(GatewayContainmentMode.Auto, "relative/path", 1)]
    [InlineData((GatewayContainmentMode)42, null, 1)]
    public void The_options_are_validated(GatewayContainmentMode mode, string? parent, int errors)
    {
        var options = new GatewayOptions { ExecutablePath = "picoclaw", Containment = mode, CgroupParent = parent };

        var result = new GatewayOptionsValidator().Validate(null, options);

        Assert.Equal(errors, result.Failed ? result.Failures!.Count() : 0);
    }
}
