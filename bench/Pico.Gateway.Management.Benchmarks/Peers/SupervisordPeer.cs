using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Pico.Gateway.Management.Benchmarks.Infrastructure;
using Pico.Gateway.Management.Benchmarks.Scenarios;

namespace Pico.Gateway.Management.Benchmarks.Peers;

/// <summary>
/// A private supervisord (its own config, unix socket, logs and pid file in a temp directory; never the system service) running
/// the bench child as <c>gw</c> (healthy) and <c>flood</c>, driven over its XML-RPC interface (what supervisorctl sends) and
/// observed through its event listener protocol.
/// </summary>
internal sealed partial class SupervisordPeer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _rpc;

    private SupervisordPeer(string directory, Process process, HttpClient rpc, int port)
    {
        Directory = directory;
        _process = process;
        _rpc = rpc;
        Port = port;
        Events = new LineLog(Path.Combine(directory, "events.txt"));
        Stamps = new StampFile(Path.Combine(directory, "stamps.txt"));
        FloodStamps = new StampFile(Path.Combine(directory, "flood-stamps.txt"));
    }

    public string Directory { get; }

    public int Port { get; }

    public int ProcessId => _process.Id;

    public LineLog Events { get; }

    public StampFile Stamps { get; }

    public StampFile FloodStamps { get; }

    public string FloodLog => Path.Combine(Directory, "flood.out");

    public static async Task<SupervisordPeer> StartAsync(string supervisord, string directory, int lines)
    {
        var port = FreePort.Next();
        var socket = Path.Combine(directory, "supervisor.sock");
        var listener = Path.Combine(Paths.PeersDirectory, "supervisor-listener.py");
        var config = Path.Combine(directory, "supervisord.conf");
        await File.WriteAllTextAsync(config, $"""
            [unix_http_server]
            file={socket}

            [supervisord]
            logfile={directory}/supervisord.log
            pidfile={directory}/supervisord.pid
            childlogdir={directory}
            nodaemon=true

            [rpcinterface:supervisor]
            supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

            [supervisorctl]
            serverurl=unix://{socket}

            [program:gw]
            command={Paths.Child} healthy --port {port} --stamps {directory}/stamps.txt
            autostart=false
            autorestart=false
            startsecs=0
            startretries=0
            stopsignal=TERM
            stopwaitsecs=5
            stopasgroup=true
            killasgroup=true
            stdout_logfile={directory}/gw.out
            stdout_logfile_maxbytes=0
            stderr_logfile={directory}/gw.err
            stderr_logfile_maxbytes=0

            [program:gwr]
            command={Paths.Child} healthy --port {port} --stamps {directory}/stamps.txt
            autostart=false
            autorestart=true
            startsecs=0
            startretries=3
            stopsignal=TERM
            stopwaitsecs=5
            stopasgroup=true
            killasgroup=true
            stdout_logfile={directory}/gwr.out
            stdout_logfile_maxbytes=0
            stderr_logfile={directory}/gwr.err
            stderr_logfile_maxbytes=0

            [program:flood]
            command={Paths.Child} flood --lines {lines} --stamps {directory}/flood-stamps.txt
            autostart=false
            autorestart=false
            startsecs=0
            startretries=0
            stdout_logfile={directory}/flood.out
            stdout_logfile_maxbytes=0
            stderr_logfile={directory}/flood.err
            stderr_logfile_maxbytes=0

            [eventlistener:stamper]
            command=/usr/bin/python3 {listener} {directory}/events.txt
            events=PROCESS_STATE
            buffer_size=1000
            stderr_logfile={directory}/listener.err
            """);

        var info = new ProcessStartInfo(supervisord) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-n");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(config);
        var process = Process.Start(info)!;
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var rpc = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await unix.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancellationToken);
                return new NetworkStream(unix, ownsSocket: true);
            },
        })
        { BaseAddress = new Uri("http://localhost/"), Timeout = TimeSpan.FromSeconds(30) };

        var peer = new SupervisordPeer(directory, process, rpc, port);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if ((await peer.CallAsync("supervisor.getState")).Contains("RUNNING", StringComparison.Ordinal))
                {
                    break;
                }
            }
            catch (HttpRequestException) when (attempt < 200)
            {
            }

            if (attempt >= 200 || process.HasExited)
            {
                throw new InvalidOperationException("supervisord did not come up");
            }

            await Task.Delay(50);
        }

        // The listener must be READY before the first measured event.
        await Task.Delay(1000);
        return peer;
    }

    public async Task<string> CallAsync(string method, params object[] parameters)
    {
        var body = new StringBuilder("<?xml version=\"1.0\"?><methodCall><methodName>").Append(method).Append("</methodName><params>");
        foreach (var parameter in parameters)
        {
            body.Append("<param><value>").Append(parameter switch
            {
                bool flag => $"<boolean>{(flag ? 1 : 0)}</boolean>",
                _ => $"<string>{parameter}</string>",
            }).Append("</value></param>");
        }

        body.Append("</params></methodCall>");
        using var content = new StringContent(body.ToString(), Encoding.UTF8, "text/xml");
        using var response = await _rpc.PostAsync(new Uri("RPC2", UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        if (text.Contains("<fault>", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{method}: {text}");
        }

        return text;
    }

    /// <summary>Starts <c>gw</c> and waits until supervisord says RUNNING and the child listens: (pid, RUNNING stamp, listen stamp).</summary>
    public async Task<(int Pid, long Running, long Listen)> StartGatewayAsync()
    {
        var from = Events.Count;
        await CallAsync("supervisor.startProcess", "gw", false);
        var (running, text) = await Events.WaitAsync(from, line => line.StartsWith("PROCESS_STATE_RUNNING processname:gw ", StringComparison.Ordinal));
        var pid = PidOf(text);
        var listen = await Stamps.WaitAsync("listen", pid);
        return (pid, running, listen);
    }

    public static int PidOf(string eventText) => int.Parse(PidPattern().Match(eventText).Groups[1].Value, CultureInfo.InvariantCulture);

    public (long Rss, long Anonymous, long File) Memory() => BenchSampleHost.ReadMemory(_process.Id);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CallAsync("supervisor.stopAllProcesses", true);
            await CallAsync("supervisor.shutdown");
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException)
        {
        }

        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _rpc.Dispose();
        _process.Dispose();
    }

    [GeneratedRegex(@"\bpid:(\d+)")]
    private static partial Regex PidPattern();
}
