using System.Diagnostics;
using System.Globalization;
using Pico.Gateway.Management.SampleHost.Picoclaw;
using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Ownership;

/// <summary>
/// The demo gateway started by the test itself, as a user starts <c>picoclaw gateway</c> from a shell: once it listens it gets the
/// pid file picoclaw writes in its home (<c>.picoclaw.pid</c>). The test owns it: disposing kills it if it still runs.
/// </summary>
internal sealed class HandStartedGateway : IDisposable
{
    private readonly Process _process;

    private HandStartedGateway(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static async Task<HandStartedGateway> StartAsync(TestWorkspace workspace)
    {
        var startInfo = new ProcessStartInfo(GatewayPrograms.DemoGateway) { RedirectStandardOutput = true, UseShellExecute = false };
        startInfo.ArgumentList.Add("gateway");
        startInfo.Environment["PICOCLAW_CONFIG"] = workspace.ConfigPath;
        startInfo.Environment[TestWorkspace.MarkerVariable] = workspace.Marker;
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("demo gateway listening on", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult();
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        var gateway = new HandStartedGateway(process);
        try
        {
            await listening.Task.WaitAsync(TestTimeouts.Wait);
        }
        catch
        {
            gateway.Dispose();
            throw;
        }

        // picoclaw's own format (pkg/pid): written once the gateway's port is bound.
        var record = string.Create(
            CultureInfo.InvariantCulture,
            $$"""{"pid": {{process.Id}}, "token": "0123456789abcdef", "version": "demo", "port": {{workspace.GatewayPort}}, "host": "127.0.0.1"}""");
        await File.WriteAllTextAsync(Path.Combine(workspace.Directory, PicoclawSetup.GatewayPidFileName), record);
        return gateway;
    }

    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }
}
