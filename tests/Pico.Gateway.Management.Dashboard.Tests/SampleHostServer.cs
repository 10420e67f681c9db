using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Pico.Gateway.Management.Dashboard.Tests;

/// <summary>
/// The real sample host as its own process on a free loopback port, with the demo gateway configured through a temporary
/// picoclaw config file whose gateway port is free too. Disposing it stops the host as an init system would (SIGTERM), and
/// the host stops its gateway.
/// </summary>
internal sealed class SampleHostServer : IAsyncDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly SampleHostProcess _host;
    private readonly string _directory;
    private readonly int _gatewayPort;

    private SampleHostServer(SampleHostProcess host, string directory, int gatewayPort)
    {
        _host = host;
        _directory = directory;
        _gatewayPort = gatewayPort;
    }

    public Uri BaseAddress => _host.BaseAddress;

    private string ConfigPath => Path.Combine(_directory, "config.json");

    /// <summary>Starts a host whose picoclaw config names the given default model (none when <see langword="null"/>).</summary>
    /// <param name="defaultModel">The default model in the picoclaw config.</param>
    /// <param name="accessToken">The bearer token the host requires on <c>/api</c>, or <see langword="null"/> for none.</param>
    /// <param name="extraArgs">More command-line configuration for the host (e.g. <c>--Gateway:RestartBackoffBase=00:05:00</c>).</param>
    public static async Task<SampleHostServer> StartAsync(string? defaultModel = "demo", string? accessToken = null, params string[] extraArgs)
    {
        var directory = Directory.CreateTempSubdirectory("pico-dashboard-").FullName;
        var configPath = Path.Combine(directory, "config.json");
        var gatewayPort = FreePort.Next();
        await File.WriteAllTextAsync(configPath, PicoclawConfig(defaultModel, gatewayPort));

        var startInfo = new ProcessStartInfo(SampleHostProcess.ExecutableBesideTests) { WorkingDirectory = directory };
        string[] arguments =
        [
            "--urls", "http://127.0.0.1:0",
            "--Gateway:AutoStart=false",
            $"--PICOCLAW_CONFIG={configPath}",
            // The bundled demo gateway, even on a machine with a real picoclaw on PATH.
            $"--PICOCLAW_BINARY={SampleHostProcess.DemoGatewayBesideTests}",
            // And never a real picoclaw started elsewhere on this machine (its .picoclaw.pid is looked for here).
            $"--PICOCLAW_HOME={directory}",
            $"--SampleHost:AccessToken={accessToken}",
            .. extraArgs,
        ];
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        try
        {
            return new SampleHostServer(await SampleHostProcess.StartAsync(startInfo, Guard), directory, gatewayPort);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Starts the demo gateway by hand, as a user runs <c>picoclaw gateway</c> from a shell, with picoclaw's pid file in the host's
    /// picoclaw home: the host finds it on its next tick and shows it as started elsewhere.
    /// </summary>
    public Task<HandStartedDemoGateway> StartHandStartedGatewayAsync() =>
        HandStartedDemoGateway.StartAsync(ConfigPath, Path.Combine(_directory, ".picoclaw.pid"), _gatewayPort);

    /// <summary>Rewrites the picoclaw config with another default model, as a user editing it would.</summary>
    /// <remarks>Written beside and moved over the old file, so the host never reads a half-written config.</remarks>
    public async Task ChangeDefaultModelAsync(string defaultModel)
    {
        var staging = ConfigPath + ".new";
        await File.WriteAllTextAsync(staging, PicoclawConfig(defaultModel, _gatewayPort));
        File.Move(staging, ConfigPath, overwrite: true);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            Assert.True(await _host.StopAsync(Guard), $"the sample host did not exit within {Guard.TotalSeconds} s of SIGTERM:\n{_host.Output}");
        }
        finally
        {
            await _host.DisposeAsync();
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string PicoclawConfig(string? defaultModel, int gatewayPort)
    {
        var defaults = new JsonObject();
        if (defaultModel is not null)
        {
            defaults["model_name"] = defaultModel;
        }

        return new JsonObject
        {
            ["agents"] = new JsonObject { ["defaults"] = defaults },
            ["model_list"] = new JsonArray(DemoModel("demo"), DemoModel("demo-large")),
            ["gateway"] = new JsonObject { ["host"] = "127.0.0.1", ["port"] = gatewayPort },
        }.ToJsonString();

        static JsonObject DemoModel(string name) =>
            new() { ["model_name"] = name, ["model"] = $"demo/{name}", ["api_key"] = "demo" };
    }
}
