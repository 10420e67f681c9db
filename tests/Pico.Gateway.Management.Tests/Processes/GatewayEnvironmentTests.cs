using Pico.Gateway.Management.Configuration;
using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Tests.Processes;

public sealed class GatewayEnvironmentTests
{
    private static readonly Dictionary<string, string> Host = new()
    {
        ["PATH"] = "/usr/bin",
        ["HOME"] = "/root",
        ["SampleHost__AccessToken"] = "secret",
        ["samplehost__other"] = "also the host's",
        ["SampleHostname"] = "kept: no separator",
        ["AWS_SECRET_ACCESS_KEY"] = "key",
    };

    [Fact]
    public void By_default_the_child_inherits_everything_and_the_set_variables_win()
    {
        var environment = Build(inherit: true, remove: [], set: new() { ["HOME"] = "/srv", ["PICOCLAW_CONFIG"] = "/etc/p.json" });

        Assert.Equal(Host.Count + 1, environment.Count);
        Assert.Equal(("/srv", "/etc/p.json", "secret"), (environment["HOME"], environment["PICOCLAW_CONFIG"], environment["SampleHost__AccessToken"]));
    }

    [Fact]
    public void Removal_is_by_name_or_by_prefix_ending_in_a_star_ignoring_case()
    {
        var environment = Build(inherit: true, remove: ["SAMPLEHOST__*", "aws_secret_access_key"], set: []);

        Assert.Equal(["HOME", "PATH", "SampleHostname"], environment.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_variable_set_explicitly_reaches_the_child_even_when_its_name_is_removed()
    {
        var environment = Build(inherit: true, remove: ["SampleHost__*"], set: new() { ["SampleHost__Mode"] = "gateway" });

        Assert.Equal("gateway", environment["SampleHost__Mode"]);
        Assert.DoesNotContain("SampleHost__AccessToken", environment.Keys);
    }

    [Fact]
    public void Without_inheritance_the_child_gets_only_the_set_variables()
    {
        var environment = Build(inherit: false, remove: [], set: new() { ["ONLY"] = "this" });

        Assert.Equal(new Dictionary<string, string> { ["ONLY"] = "this" }, environment);
    }

    [Fact]
    public void The_block_for_posix_spawn_is_name_equals_value()
    {
        var startInfo = new GatewayProcessStartInfo("gw", [], null, new Dictionary<string, string> { ["A"] = "1=2" }, 1024) { InheritEnvironment = false };

        Assert.Equal(["A=1=2"], GatewayEnvironment.Block(startInfo));
    }

    [Fact]
    public void The_start_info_carries_the_environment_options()
    {
        var options = new GatewayOptions { ExecutablePath = "gw", InheritEnvironment = false };
        options.EnvironmentRemove.Add("X*");

        var startInfo = GatewayProcessStartInfo.FromOptions(options);
        options.EnvironmentRemove.Add("later");

        Assert.False(startInfo.InheritEnvironment);
        Assert.Equal(["X*"], startInfo.EnvironmentRemove);
    }

    [Theory]
    [InlineData("NAME", null)]
    [InlineData("PREFIX_*", null)]
    [InlineData("", "must be a variable name, or a prefix ending in '*' (was '').")]
    [InlineData("A*B", "must be a variable name, or a prefix ending in '*' (was 'A*B').")]
    [InlineData("A**", "must be a variable name, or a prefix ending in '*' (was 'A**').")]
    [InlineData("A=B", "must be a variable name, or a prefix ending in '*' (was 'A=B').")]
    [InlineData("*", "is '*', which would remove every variable: set InheritEnvironment to false instead.")]
    public void Removal_entries_are_names_or_prefixes(string entry, string? problem)
    {
        Assert.Equal(problem, GatewayEnvironment.CheckRemoveEntry(entry));
    }

    [Fact]
    public void The_validator_names_the_key_of_each_bad_environment_entry()
    {
        var options = new GatewayOptions { ExecutablePath = "gw" };
        options.EnvironmentRemove.Add("OK_*");
        options.EnvironmentRemove.Add("*");
        options.Environment["A=B"] = "x";

        var failures = new GatewayOptionsValidator("edge", "Gateways:edge").Validate("edge", options).Failures;

        Assert.Equal(
            [
                "Gateways:edge:Environment has an invalid variable name 'A=B'.",
                "Gateways:edge:EnvironmentRemove:1 is '*', which would remove every variable: set InheritEnvironment to false instead.",
            ],
            failures);
    }

    private static Dictionary<string, string> Build(bool inherit, IReadOnlyList<string> remove, Dictionary<string, string> set) =>
        GatewayEnvironment.Build(Host, inherit, remove, set, StringComparer.Ordinal);

    [Fact]
    public void The_hosts_own_service_manager_variables_are_not_inherited_but_may_be_set()
    {
        var host = new Dictionary<string, string> { ["NOTIFY_SOCKET"] = "/run/systemd/notify", ["WATCHDOG_USEC"] = "1000", ["LISTEN_FDS"] = "1", ["PATH"] = "/bin" };

        var inherited = GatewayEnvironment.Build(host, inherit: true, [], new Dictionary<string, string>(), StringComparer.Ordinal);
        var set = GatewayEnvironment.Build(host, inherit: true, [], new Dictionary<string, string> { ["NOTIFY_SOCKET"] = "@gateway" }, StringComparer.Ordinal);

        Assert.Equal(["PATH"], inherited.Keys);
        Assert.Equal("@gateway", set["NOTIFY_SOCKET"]);
    }
}
