using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Pico.Gateway.Management.SampleHost.Tests.Testing;

/// <summary>
/// The sample host as a real, separate process (its apphost, which the build copies beside these tests), so a test can send it
/// real signals. It listens on an OS-assigned loopback port; the test learns which from the dashboard line the host logs.
/// </summary>
internal sealed partial class SampleHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SampleHostProcess(Process process)
    {
        _process = process;
    }

    public static string ExecutablePath { get; } = Path.Combine(AppContext.BaseDirectory, "Pico.Gateway.Management.SampleHost" + (OperatingSystem.IsWindows() ? ".exe" : string.Empty));

    public int Id => _process.Id;

    public int ExitCode => _process.ExitCode;

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>Gets everything the host printed so far, for failure messages.</summary>
    public string Output => string.Join("\n", _output);

    /// <summary>Starts the host; <paramref name="environment"/> adds variables to the environment it inherits from the test.</summary>
    public static async Task<SampleHostProcess> StartAsync(TestHostSettings settings, IReadOnlyDictionary<string, string>? environment = null)
    {
        // The dashboard line ("Gateway dashboard: http://127.0.0.1:<port>/") is logged at Information.
        settings.Set("Logging:LogLevel:Pico.Gateway.Management.SampleHost", "Information");
        var startInfo = new ProcessStartInfo(ExecutablePath)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = settings.Workspace.Directory,
        };
        foreach (var argument in settings.ToArgs())
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var host = new SampleHostProcess(process);
        process.OutputDataReceived += (_, e) => host.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => host.OnOutput(e.Data);
        process.Exited += (_, _) => host._listening.TrySetException(new InvalidOperationException($"the host exited before it listened:\n{host.Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            host.BaseAddress = await host._listening.Task.WaitAsync(TestTimeouts.Wait);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        host.Client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
        {
            BaseAddress = host.BaseAddress,
            Timeout = TestTimeouts.Wait,
        };
        return host;
    }

    public void Signal(int signal) => PosixSignals.Send(Id, signal);

    /// <summary>Waits for the host to exit; false when <paramref name="guard"/> passes first.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan guard)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(guard);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Opens the event stream and reads it until the gateway is running; returns the stream (still open) and the gateway's pid.</summary>
    public async Task<(ServerSentEventReader Events, int Pid)> WaitForRunningGatewayAsync()
    {
        var events = await ServerSentEventReader.OpenAsync(Client);
        try
        {
            while (true)
            {
                var message = await events.ReadAsync() ?? throw new InvalidOperationException($"the event stream ended before the gateway ran:\n{Output}");
                if (message.Data is null)
                {
                    continue;
                }

                var status = message.Json;
                if (status.GetProperty("gateway_status").GetString() == "running")
                {
                    return (events, status.GetProperty("pid").GetInt32());
                }
            }
        }
        catch
        {
            await events.DisposeAsync();
            throw;
        }
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        return await TestHost.ReadJsonAsync(response);
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (!_process.HasExited)
        {
            // Only when a test failed half-way: take the gateway down with the host.
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TestTimeouts.Wait);
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"Gateway dashboard: (http://127\.0\.0\.1:\d+)/")]
    private static partial Regex DashboardLine();

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        if (DashboardLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }
}
