namespace Pico.Gateway.Management.SampleHost.Tests.Testing;

/// <summary>A test's own directory, picoclaw config file, gateway port and process marker.</summary>
internal sealed class TestWorkspace : IDisposable
{
    public const string MarkerVariable = "PICO_SAMPLEHOST_TEST_MARKER";

    public TestWorkspace()
    {
        Directory = Path.Combine(Path.GetTempPath(), "pico-samplehost-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        ConfigPath = Path.Combine(Directory, "config.json");
        GatewayPort = FreePort.Next();
        WriteConfig(PicoclawConfigs.Valid(GatewayPort));
    }

    public string Directory { get; }

    public string ConfigPath { get; }

    public int GatewayPort { get; }

    /// <summary>Gets a value put in every gateway's environment, to find any process a test left behind.</summary>
    public string Marker { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Replaces the config atomically, so a concurrent reader never sees half a file.</summary>
    public void WriteConfig(string json)
    {
        var temporary = ConfigPath + ".tmp";
        File.WriteAllText(temporary, json);
        File.Move(temporary, ConfigPath, overwrite: true);
    }

    /// <summary>Starts the demo gateway by hand on this workspace's config, with picoclaw's pid file in the workspace (its home).</summary>
    public Task<HandStartedDemoGateway> StartHandStartedGatewayAsync() => HandStartedDemoGateway.StartAsync(
        ConfigPath,
        Path.Combine(Directory, SampleHost.Picoclaw.PicoclawSetup.GatewayPidFileName),
        GatewayPort,
        new Dictionary<string, string> { [MarkerVariable] = Marker });

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless; failing the test over it is not.
        }
    }
}
