using System.Diagnostics;
using System.Globalization;

namespace Pico.Gateway.Management.Testing;

/// <summary>
/// The demo gateway started by a test itself, as a user starts <c>picoclaw gateway</c> from a shell: once it listens it gets the
/// pid file picoclaw writes in its home (<c>.picoclaw.pid</c>, picoclaw's own format). The test owns it: disposing kills it if it
/// still runs.
/// </summary>
public sealed class HandStartedDemoGateway : IDisposable
{
    private readonly Process _process;

    private HandStartedDemoGateway(Process process) => _process = process;

    /// <summary>Gets the gateway's process id.</summary>
    public int Id => _process.Id;

    /// <summary>Gets a value indicating whether the gateway has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts the demo gateway on <paramref name="configPath"/> and, once it listens, writes <paramref name="pidFilePath"/>.</summary>
    /// <param name="configPath">The picoclaw config the gateway reads (its port is <paramref name="port"/>).</param>
    /// <param name="pidFilePath">Where picoclaw would write its pid file: <c>.picoclaw.pid</c> in its home.</param>
    /// <param name="port">The gateway's port, recorded in the pid file.</param>
    /// <param name="environment">More environment for the gateway (a marker a test finds its processes by).</param>
    public static async Task<HandStartedDemoGateway> StartAsync(
        string configPath, string pidFilePath, int port, IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(SampleHostProcess.DemoGatewayBesideTests) { RedirectStandardOutput = true, UseShellExecute = false };
        startInfo.ArgumentList.Add("gateway");
        startInfo.Environment["PICOCLAW_CONFIG"] = configPath;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

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
        var gateway = new HandStartedDemoGateway(process);
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
            $$"""{"pid": {{process.Id}}, "token": "0123456789abcdef", "version": "demo", "port": {{port}}, "host": "127.0.0.1"}""");
        await File.WriteAllTextAsync(pidFilePath, record);
        return gateway;
    }

    /// <summary>Kills the gateway and waits for its exit.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }
}
