using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Pico.Gateway.Management.Tests.Testing;

namespace Pico.Gateway.Management.Tests.Chaos;

/// <summary>
/// One real host process (the test child's <c>host</c> mode) and the <c>STATE</c> lines it prints. Each line pokes the process
/// watch, so the process table is scanned whenever a host says its gateway changed. Disposing kills it if it still runs.
/// </summary>
internal sealed class ChaosHost : IDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _states = Channel.CreateUnbounded<string>();
    private readonly ConcurrentQueue<string> _output = new();

    private ChaosHost(Process process) => _process = process;

    public int Id => _process.Id;

    public string Name { get; private init; } = string.Empty;

    public string Output => string.Join('\n', _output);

    public static ChaosHost Start(string name, string pidFile, int port, string marker, MarkerProcessWatch watch)
    {
        var startInfo = new ProcessStartInfo(TestChild.ExecutablePath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "host", "--pid-file", pidFile, "--port", port.ToString(CultureInfo.InvariantCulture), "--marker", marker, "--auto-start", "true" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo };
        var host = new ChaosHost(process) { Name = name };
        process.OutputDataReceived += (_, e) => host.OnLine(e.Data, watch);
        process.ErrorDataReceived += (_, e) => host.OnLine(e.Data, watch);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Reads this host's state lines until one matches; the line, or a failure naming what the host said.</summary>
    public async Task<HostState> WaitForStateAsync(Func<HostState, bool> predicate, string what)
    {
        using var guard = new CancellationTokenSource(ChaosRun.Guard);
        try
        {
            while (true)
            {
                var state = HostState.Parse(await _states.Reader.ReadAsync(guard.Token));
                if (predicate(state))
                {
                    return state;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            throw new InvalidOperationException($"{Name} (pid {Id}) never reported {what}:\n{Output}", ex);
        }
    }

    public void KillHard()
    {
        PosixSignals.Send(Id, PosixSignals.SIGKILL);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, as an init system stops a host; true when it exited within the guard.</summary>
    public async Task<bool> TerminateAsync()
    {
        PosixSignals.Send(Id, PosixSignals.SIGTERM);
        try
        {
            await _process.WaitForExitAsync().WaitAsync(ChaosRun.Guard);
            return _process.ExitCode == 0;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void OnLine(string? line, MarkerProcessWatch watch)
    {
        if (line is null)
        {
            _states.Writer.TryComplete();
            return;
        }

        _output.Enqueue(line);
        if (line.StartsWith("STATE ", StringComparison.Ordinal))
        {
            _states.Writer.TryWrite(line);
            watch.Poke();
        }
    }
}
