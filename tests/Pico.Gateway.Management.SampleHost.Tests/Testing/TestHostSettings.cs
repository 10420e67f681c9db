using System.Globalization;
using Microsoft.AspNetCore.Builder;

namespace Pico.Gateway.Management.SampleHost.Tests.Testing;

/// <summary>How a test's sample host is configured: everything goes through the command line, as a user would pass it.</summary>
internal sealed class TestHostSettings
{
    public TestHostSettings(TestWorkspace workspace)
    {
        Workspace = workspace;
        Configuration["PICOCLAW_CONFIG"] = workspace.ConfigPath;

        // picoclaw's own pid file (.picoclaw.pid) is looked for in the workspace, never in the home of whoever runs the tests.
        Configuration["PICOCLAW_HOME"] = workspace.Directory;
        Configuration["Gateway:AutoStart"] = "false";
        Configuration[$"Gateway:Environment:{TestWorkspace.MarkerVariable}"] = workspace.Marker;
        Configuration["Gateway:HealthCheckInterval"] = "00:00:00.200";
        Configuration["Gateway:StopTimeout"] = "00:00:05";

        // A test that makes the gateway exit wants to see the exit, not a crash restart.
        Configuration["Gateway:RestartPolicy"] = "Never";
        Configuration["Logging:LogLevel:Default"] = "Warning";
        UseDemoGateway();
    }

    public TestWorkspace Workspace { get; }

    public Dictionary<string, string?> Configuration { get; } = new(StringComparer.OrdinalIgnoreCase);

    public string Urls { get; set; } = "http://127.0.0.1:0";

    public Action<WebApplicationBuilder>? ConfigureBuilder { get; set; }

    public TestHostSettings Set(string key, string? value)
    {
        Configuration[key] = value;
        return this;
    }

    /// <summary>The demo gateway, which reads the workspace's config for its port.</summary>
    public TestHostSettings UseDemoGateway() => UseExecutable(GatewayPrograms.DemoGateway, "gateway");

    /// <summary>The test child; <c>{port}</c> in an argument becomes the workspace's gateway port.</summary>
    public TestHostSettings UseChild(params string[] arguments) => UseExecutable(GatewayPrograms.Child, arguments);

    public TestHostSettings UseExecutable(string path, params string[] arguments)
    {
        ClearGatewayCommand();
        Configuration["Gateway:ExecutablePath"] = path;
        for (var i = 0; i < arguments.Length; i++)
        {
            Configuration[string.Create(CultureInfo.InvariantCulture, $"Gateway:Arguments:{i}")] =
                arguments[i].Replace("{port}", Workspace.GatewayPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        return this;
    }

    /// <summary>Leaves the gateway command to the host's own lookup, with no picoclaw anywhere it looks.</summary>
    public TestHostSettings UseDefaultGatewayLookup()
    {
        ClearGatewayCommand();
        Configuration["PICOCLAW_BINARY"] = string.Empty;
        Configuration["PATH"] = string.Empty;
        return this;
    }

    public string[] ToArgs() =>
        [
            "--urls", Urls,
            .. Configuration.Select(pair => $"--{pair.Key}={pair.Value}"),
        ];

    private void ClearGatewayCommand()
    {
        foreach (var key in Configuration.Keys.Where(key => key.StartsWith("Gateway:Arguments", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            Configuration.Remove(key);
        }

        Configuration.Remove("Gateway:ExecutablePath");
    }
}
