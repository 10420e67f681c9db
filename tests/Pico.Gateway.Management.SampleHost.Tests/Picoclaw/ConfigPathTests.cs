using Microsoft.Extensions.Configuration;
using Pico.Gateway.Management.SampleHost.Picoclaw;
using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Picoclaw;

public sealed class ConfigPathTests
{
    [Fact]
    public void Picoclaw_config_wins_over_picoclaw_home_and_the_user_home()
    {
        var path = PicoclawPaths.ResolveConfigPath(Configuration(
            ("PICOCLAW_CONFIG", "/etc/picoclaw/custom.json"), ("PICOCLAW_HOME", "/srv/picoclaw"), ("HOME", "/home/someone")));

        Assert.Equal(Path.GetFullPath("/etc/picoclaw/custom.json"), path);
    }

    [Fact]
    public void Picoclaw_home_holds_config_json()
    {
        var path = PicoclawPaths.ResolveConfigPath(Configuration(("PICOCLAW_HOME", "/srv/picoclaw"), ("HOME", "/home/someone")));

        Assert.Equal(Path.GetFullPath("/srv/picoclaw/config.json"), path);
    }

    [Fact]
    public void Without_either_variable_the_config_is_in_dot_picoclaw_of_the_user_home()
    {
        var home = OperatingSystem.IsWindows() ? "USERPROFILE" : "HOME";

        var path = PicoclawPaths.ResolveConfigPath(Configuration((home, "/home/someone"), ("PICOCLAW_CONFIG", string.Empty)));

        Assert.Equal(Path.GetFullPath("/home/someone/.picoclaw/config.json"), path);
    }

    [Fact]
    public async Task A_missing_config_is_created_as_a_demo_config_that_passes_the_start_conditions()
    {
        using var workspace = new TestWorkspace();
        var picoclawHome = Path.Combine(workspace.Directory, "nested", "home");

        await using (var app = SampleHostApp.Build(["--urls=http://127.0.0.1:0", $"--PICOCLAW_HOME={picoclawHome}", "--PICOCLAW_CONFIG="]))
        {
        }

        var created = Path.Combine(picoclawHome, "config.json");
        Assert.True(File.Exists(created));
        var config = PicoclawConfig.Load(created);
        Assert.Equal("demo", config.DefaultModelName);
        Assert.Equal(new Uri("http://127.0.0.1:18790/health"), config.GetHealthCheckUrl());
        var setup = PicoclawSetup.Create(Configuration(("PICOCLAW_CONFIG", created)), AppContext.BaseDirectory);
        var verdict = await new DefaultModelStartCondition(setup, TimeProvider.System).CheckAsync(CancellationToken.None);
        Assert.True(verdict.IsReady, verdict.Reason);
    }

    [Fact]
    public async Task An_existing_config_is_never_overwritten()
    {
        using var workspace = new TestWorkspace();
        const string Custom = """{ "agents": { "defaults": { "model_name": "mine" } } }""";
        workspace.WriteConfig(Custom);

        await using (var app = SampleHostApp.Build(["--urls=http://127.0.0.1:0", $"--PICOCLAW_CONFIG={workspace.ConfigPath}"]))
        {
        }

        Assert.Equal(Custom, await File.ReadAllTextAsync(workspace.ConfigPath));
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(pair => new KeyValuePair<string, string?>(pair.Key, pair.Value))).Build();
}
