using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Pico.Gateway.Management.Testing;

/// <summary>
/// The sample host as a real, separate process, so a test can send it real signals and see it exit. It listens where its
/// <c>--urls</c> say (an OS-assigned loopback port with <c>http://127.0.0.1:0</c>); the address is learned from the dashboard
/// line the host logs, so nothing polls for it. Disposing stops it (SIGTERM, then a kill of its tree if it does not exit).
/// </summary>
public sealed partial class SampleHostProcess : IAsyncDisposable
{
    private static readonly TimeSpan DisposeGuard = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SampleHostProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Gets the sample host's apphost beside the running tests (the build copies it there for a project that references it).</summary>
    public static string ExecutableBesideTests { get; } = BesideTests("Pico.Gateway.Management.SampleHost");

    /// <summary>Gets the demo gateway's apphost beside the running tests (the build copies it beside the sample host).</summary>
    public static string DemoGatewayBesideTests { get; } = BesideTests("Pico.Gateway.Management.DemoGateway");

    /// <summary>Gets the host's process id.</summary>
    public int Id => _process.Id;

    /// <summary>Gets the host's exit code (128 + the signal's number when a signal ended it).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Gets a value indicating whether the host has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Gets the address the host listens on, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets a client for <see cref="BaseAddress"/>: no proxy, no redirects.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>Gets everything the host printed so far, for failure messages.</summary>
    public string Output => string.Join("\n", _output);

    /// <summary>
    /// Starts the host and waits, at most <paramref name="guard"/>, until it logs where it listens. The host's own logging of that
    /// line is switched on by an extra argument; everything else comes from <paramref name="startInfo"/>.
    /// </summary>
    public static async Task<SampleHostProcess> StartAsync(ProcessStartInfo startInfo, TimeSpan guard)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        startInfo.UseShellExecute = false;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;

        // The dashboard line ("Gateway dashboard: http://127.0.0.1:<port>/") is logged at Information; the last argument wins.
        startInfo.ArgumentList.Add("--Logging:LogLevel:Pico.Gateway.Management.SampleHost=Information");

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
            host.BaseAddress = await host._listening.Task.WaitAsync(guard).ConfigureAwait(false);
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        host.Client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
        {
            BaseAddress = host.BaseAddress,
            Timeout = guard,
        };
        return host;
    }

    /// <summary>Sends <paramref name="signal"/> to the host (only to the host: its gateway is the host's to stop).</summary>
    public void Signal(int signal) => PosixSignals.Send(Id, signal);

    /// <summary>Waits for the host to exit; <see langword="false"/> when <paramref name="guard"/> passes first.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan guard)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(guard).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// Stops the host as an init system would: SIGTERM, then up to <paramref name="guard"/> for it to stop its gateway and exit.
    /// <see langword="false"/> when it did not (it is then killed with its process tree).
    /// </summary>
    public async Task<bool> StopAsync(TimeSpan guard)
    {
        if (_process.HasExited)
        {
            return true;
        }

        if (OperatingSystem.IsWindows())
        {
            _process.Kill(entireProcessTree: true);
        }
        else
        {
            Signal(PosixSignals.SIGTERM);
        }

        if (await WaitForExitAsync(guard).ConfigureAwait(false))
        {
            return true;
        }

        _process.Kill(entireProcessTree: true);
        await WaitForExitAsync(guard).ConfigureAwait(false);
        return false;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (!_process.HasExited)
        {
            // Only when a test failed half-way: a graceful stop takes the gateway down with the host.
            await StopAsync(DisposeGuard).ConfigureAwait(false);
        }

        _process.Dispose();
    }

    private static string BesideTests(string program) =>
        Path.Combine(AppContext.BaseDirectory, program + (OperatingSystem.IsWindows() ? ".exe" : string.Empty));

    [GeneratedRegex(@"Gateway dashboard: (http://127\.0\.0\.1:\d+/)")]
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
