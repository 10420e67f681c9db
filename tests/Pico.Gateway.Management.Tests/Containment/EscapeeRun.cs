using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Tests.Testing;

namespace Pico.Gateway.Management.Tests.Containment;

/// <summary>
/// One gateway started through the launcher directly (no manager), whose escapee holds its pipes. Disposal kills everything the run
/// started, escapee included, whatever the test did.
/// </summary>
internal sealed class EscapeeRun : IDisposable
{
    private EscapeeRun(IGatewayProcess process, LineCollector lines, string marker, string pidFile)
    {
        Process = process;
        Lines = lines;
        Marker = marker;
        PidFile = pidFile;
    }

    public IGatewayProcess Process { get; }

    public LineCollector Lines { get; }

    public string Marker { get; }

    public string PidFile { get; }

    public static async Task<(EscapeeRun Run, Escapee Escapee)> StartAsync(IGatewayProcessLauncher launcher, string how, string? marker = null)
    {
        marker ??= "pico-test-" + Guid.NewGuid().ToString("N");
        var pidFile = Path.Combine(Path.GetTempPath(), $"pico-escapee-{Guid.NewGuid():N}.pid");
        var lines = new LineCollector();
        var startInfo = new GatewayProcessStartInfo(
            TestChild.ExecutablePath,
            ["escapee", "--how", how, "--pid-file", pidFile],
            null,
            new Dictionary<string, string> { ["PICO_GATEWAY_TEST_MARKER"] = marker },
            4096);
        var run = new EscapeeRun(launcher.Start(startInfo, lines), lines, marker, pidFile);
        try
        {
            await lines.WaitForPrefixAsync("ESCAPEE ");
            return (run, Escapee.Read(pidFile));
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    public async Task KillAndWaitAsync()
    {
        Process.Kill();
        await Process.Exited.WaitAsync(TimeSpan.FromSeconds(30));
        await Process.OutputCompleted.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public void Dispose()
    {
        if (!Process.Exited.IsCompleted)
        {
            Process.Kill();
        }

        Process.Dispose();
        TestCleanup.KillMarked(Marker);
        TestCleanup.DeleteFile(PidFile);
    }
}
