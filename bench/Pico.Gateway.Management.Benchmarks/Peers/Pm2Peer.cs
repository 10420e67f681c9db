using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pico.Gateway.Management.Benchmarks.Infrastructure;
using Pico.Gateway.Management.Benchmarks.Scenarios;

namespace Pico.Gateway.Management.Benchmarks.Peers;

/// <summary>
/// A private PM2 daemon (PM2_HOME in a temp directory) running the bench child as <c>gw</c> and <c>flood</c> in fork mode,
/// driven by bench/peers/pm2-driver.js through PM2's programmatic API and observed through PM2's event bus.
/// </summary>
internal sealed class Pm2Peer : IAsyncDisposable
{
    private readonly Process _driver;
    private readonly SemaphoreSlim _commands = new(1, 1);

    private Pm2Peer(string directory, Process driver, int port)
    {
        Directory = directory;
        _driver = driver;
        Port = port;
        Stamps = new StampFile(Path.Combine(directory, "stamps.txt"));
        FloodStamps = new StampFile(Path.Combine(directory, "flood-stamps.txt"));
    }

    public string Directory { get; }

    public int Port { get; }

    /// <summary>Every line of the driver: "event ns name app id" and "done command requested-ns done-ns ok|error extra" (stamped).</summary>
    public LineLog Output { get; } = new();

    public StampFile Stamps { get; }

    public StampFile FloodStamps { get; }

    public int DaemonPid { get; private set; }

    public static async Task<Pm2Peer> StartAsync(string pm2Module, string directory, int lines)
    {
        var port = FreePort.Next();
        var home = Path.Combine(directory, "pm2-home");
        System.IO.Directory.CreateDirectory(home);
        var config = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["child"] = Paths.Child,
            ["port"] = port,
            ["stamps"] = Path.Combine(directory, "stamps.txt"),
            ["floodStamps"] = Path.Combine(directory, "flood-stamps.txt"),
            ["lines"] = lines,
            ["dir"] = directory,
        });
        var info = new ProcessStartInfo("node")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(Path.Combine(Paths.PeersDirectory, "pm2-driver.js"));
        info.ArgumentList.Add(config);
        info.Environment["PM2_MODULE"] = pm2Module;
        info.Environment["PM2_HOME"] = home;
        info.Environment["PM2_KILL_SIGNAL"] = "SIGTERM";
        var driver = Process.Start(info)!;
        var peer = new Pm2Peer(directory, driver, port);
        driver.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                var parts = line.Split(' ');
                var stamp = parts.Length > 1 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : Clock.Now();
                peer.Output.Add(stamp, line);
            }
        };
        driver.ErrorDataReceived += static (_, _) => { };
        driver.BeginOutputReadLine();
        driver.BeginErrorReadLine();
        await peer.Output.WaitAsync(0, line => line == "ready", TimeSpan.FromSeconds(60));
        var (_, daemon) = await peer.CommandAsync("daemon");
        peer.DaemonPid = int.Parse(daemon.Split(' ')[^1], CultureInfo.InvariantCulture);
        return peer;
    }

    /// <summary>Sends a command and waits for its "done" line: (the driver's stamp right before the PM2 call, the line).</summary>
    public async Task<(long Requested, string Line)> CommandAsync(string command, TimeSpan? timeout = null)
    {
        await _commands.WaitAsync();
        try
        {
            var from = Output.Count;
            await _driver.StandardInput.WriteLineAsync(command);
            await _driver.StandardInput.FlushAsync();
            var verb = command.Split(' ')[0];
            var (_, line) = await Output.WaitAsync(from, text => text.StartsWith($"done {verb} ", StringComparison.Ordinal), timeout ?? TimeSpan.FromSeconds(60));
            if (line.Contains(" error:", StringComparison.Ordinal))
            {
                throw new InvalidOperationException(line);
            }

            return (long.Parse(line.Split(' ')[2], CultureInfo.InvariantCulture), line);
        }
        finally
        {
            _commands.Release();
        }
    }

    public async Task<int> PidAsync(string app)
    {
        var (_, line) = await CommandAsync($"pid {app}");
        return int.Parse(line.Split(' ')[^1], CultureInfo.InvariantCulture);
    }

    /// <summary>Starts <c>gw</c> and waits for PM2's online event and the child's listen stamp: (pid, online stamp, listen stamp).</summary>
    public async Task<(int Pid, long Online, long Listen)> StartGatewayAsync()
    {
        var from = Output.Count;
        await CommandAsync("start gw");
        var (online, _) = await Output.WaitAsync(from, line => line.StartsWith("event ", StringComparison.Ordinal) && line.Contains(" online gw ", StringComparison.Ordinal));
        var pid = await PidAsync("gw");
        var listen = await Stamps.WaitAsync("listen", pid);
        return (pid, online, listen);
    }

    public Task<(long Stamp, string Text)> WaitEventAsync(int from, string name, string app) =>
        Output.WaitAsync(from, line => line.StartsWith("event ", StringComparison.Ordinal) && line.Contains($" {name} {app} ", StringComparison.Ordinal));

    public (long Rss, long Anonymous, long File) Memory() => BenchSampleHost.ReadMemory(DaemonPid);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CommandAsync("kill", TimeSpan.FromSeconds(30));
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or IOException)
        {
        }

        try
        {
            await _driver.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            _driver.Kill(entireProcessTree: true);
        }

        // The daemon is PM2's own process, not the driver's child: make sure it is gone.
        if (DaemonPid > 0 && File.Exists($"/proc/{DaemonPid}/status"))
        {
            _ = Native.kill(DaemonPid, Native.SIGKILL);
        }

        _driver.Dispose();
        _commands.Dispose();
    }
}
