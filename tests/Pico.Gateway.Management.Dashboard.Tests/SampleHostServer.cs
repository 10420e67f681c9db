using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Pico.Gateway.Management.SampleHost;

namespace Pico.Gateway.Management.Dashboard.Tests;

/// <summary>
/// The real sample host, in-process on a free loopback port, with the demo gateway configured through a temporary
/// picoclaw config file whose gateway port is free too. Disposing it stops the host, and with it the gateway.
/// </summary>
internal sealed class SampleHostServer : IAsyncDisposable
{
    private static readonly string DemoGatewayName = OperatingSystem.IsWindows()
        ? "Pico.Gateway.Management.DemoGateway.exe"
        : "Pico.Gateway.Management.DemoGateway";

    private readonly WebApplication _app;
    private readonly string _directory;
    private readonly int _gatewayPort;

    private SampleHostServer(WebApplication app, string directory, int gatewayPort, Uri baseAddress)
    {
        _app = app;
        _directory = directory;
        _gatewayPort = gatewayPort;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    private string ConfigPath => Path.Combine(_directory, "config.json");

    /// <summary>Starts a host whose picoclaw config names the given default model (none when <see langword="null"/>).</summary>
    /// <param name="defaultModel">The default model in the picoclaw config.</param>
    /// <param name="accessToken">The bearer token the host requires on <c>/api</c>, or <see langword="null"/> for none.</param>
    /// <param name="extraArgs">More command-line configuration for the host (e.g. <c>--Gateway:RestartBackoffBase=00:05:00</c>).</param>
    public static async Task<SampleHostServer> StartAsync(string? defaultModel = "demo", string? accessToken = null, params string[] extraArgs)
    {
        var directory = Directory.CreateTempSubdirectory("pico-dashboard-").FullName;
        var configPath = Path.Combine(directory, "config.json");
        var gatewayPort = FreeLoopbackPort();
        await File.WriteAllTextAsync(configPath, PicoclawConfig(defaultModel, gatewayPort));

        WebApplication? app = null;
        try
        {
            app = SampleHostApp.Build(
            [
                "--urls", "http://127.0.0.1:0",
                "--Gateway:AutoStart=false",
                $"--PICOCLAW_CONFIG={configPath}",
                // The bundled demo gateway, even on a machine with a real picoclaw on PATH.
                $"--PICOCLAW_BINARY={Path.Combine(AppContext.BaseDirectory, DemoGatewayName)}",
                $"--SampleHost:AccessToken={accessToken}",
                .. extraArgs,
            ]);
            await app.StartAsync();

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            return new SampleHostServer(app, directory, gatewayPort, new Uri(address + "/"));
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

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
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await _app.StopAsync(timeout.Token);
        }

        await _app.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
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

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
