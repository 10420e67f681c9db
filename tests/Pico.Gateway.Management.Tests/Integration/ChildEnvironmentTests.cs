using System.Globalization;
using System.Text;
using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Tests.Integration;

/// <summary>What a real spawned gateway finds in its environment, read from /proc/&lt;pid&gt;/environ.</summary>
public sealed class ChildEnvironmentTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    // Unique names: the test process's environment is shared with every test running beside this one.
    private readonly string _prefix = $"PICO_ENVTEST_{Guid.NewGuid():N}_";

    public ChildEnvironmentTests()
    {
        Environment.SetEnvironmentVariable(_prefix + "SECRET", "by-name");
        Environment.SetEnvironmentVariable(_prefix + "GROUP_A", "by-prefix");
        Environment.SetEnvironmentVariable(_prefix + "GROUP_B", "by-prefix");
        Environment.SetEnvironmentVariable(_prefix + "KEPT", "kept");
    }

    [Fact]
    public async Task Variables_removed_by_name_or_prefix_do_not_reach_the_child_and_the_rest_do()
    {
        var environment = await SpawnAndReadEnvironmentAsync(new Dictionary<string, string> { ["ADDED"] = "yes" }, inherit: true, [_prefix + "secret", _prefix + "GROUP_*"]);

        Assert.Equal("kept", environment[_prefix + "KEPT"]);
        Assert.Equal("yes", environment["ADDED"]);
        Assert.Equal(Environment.GetEnvironmentVariable("PATH"), environment["PATH"]);
        Assert.DoesNotContain(environment.Keys, name => name.StartsWith(_prefix + "GROUP_", StringComparison.Ordinal) || name == _prefix + "SECRET");
    }

    [Fact]
    public async Task Without_inheritance_the_child_has_only_its_own_variables()
    {
        var environment = await SpawnAndReadEnvironmentAsync(new Dictionary<string, string> { ["ONLY"] = "this" }, inherit: false, []);

        // The run's containment cookie (README, "Containment") is the one variable the manager may add itself.
        environment.Remove("PICO_GATEWAY_RUN");
        Assert.Equal(new Dictionary<string, string> { ["ONLY"] = "this" }, environment);
    }

    public void Dispose()
    {
        foreach (var suffix in new[] { "SECRET", "GROUP_A", "GROUP_B", "KEPT" })
        {
            Environment.SetEnvironmentVariable(_prefix + suffix, null);
        }
    }

    private static async Task<Dictionary<string, string>> SpawnAndReadEnvironmentAsync(Dictionary<string, string> set, bool inherit, IReadOnlyList<string> remove)
    {
        var startInfo = new GatewayProcessStartInfo("/bin/sleep", ["600"], null, set, 1024)         {
            InheritEnvironment = inherit,
            EnvironmentRemove = remove,

            // Spawned directly (no cgroup trampoline still exec-ing the program), the environ read below is the program's own.
            Containment = GatewayContainmentMode.ProcessGroup,
        };
        using var process = new UnixProcessLauncher().Start(startInfo, new IgnoreOutput());
        try
        {
            // posix_spawn returns once the child has executed the new program: its environ is the one it was given.
            var bytes = await File.ReadAllBytesAsync($"/proc/{process.Id.ToString(CultureInfo.InvariantCulture)}/environ");
            return Encoding.UTF8.GetString(bytes)
                .Split('\0', StringSplitOptions.RemoveEmptyEntries)
                .Select(entry => entry.Split('=', 2))
                .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        }
        finally
        {
            process.Kill();
            await process.Exited.WaitAsync(Guard);
        }
    }

    private sealed class IgnoreOutput : IGatewayOutputHandler
    {
        public void OnLine(GatewayLogStream stream, string text)
        {
        }
    }
}
