using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Pico.Gateway.Management.Tests.Child;

/// <summary>A tiny sd_notify sender: what a gateway built on systemd's protocol does, without systemd.</summary>
internal static class NotifyModes
{
    private const int NoSocketExitCode = 78;

    /// <summary>
    /// notify [--send A|B] [--via self|grandchild] [--trigger-file PATH] [--watchdog-pings N]: sends each '|'-separated datagram
    /// (after PATH exists, if given) from itself or from a grandchild, pings the watchdog N times, then waits for SIGTERM.
    /// </summary>
    public static async Task<int> NotifyAsync(CommandLine commandLine)
    {
        var send = commandLine.GetString("send") ?? "READY=1";
        var via = commandLine.GetString("via") ?? "self";
        var triggerFile = commandLine.GetString("trigger-file");
        var pings = commandLine.GetInt32("watchdog-pings", 0);
        commandLine.EnsureAllOptionsUsed();
        using var shutdown = ShutdownSignal.ExitOnTerm();
        if (Environment.GetEnvironmentVariable("NOTIFY_SOCKET") is not { Length: > 0 } address)
        {
            await Console.Error.WriteLineAsync("NOTIFY_SOCKET is not set");
            return NoSocketExitCode;
        }

        Console.Out.WriteLine($"NOTIFY_SOCKET {address}");
        if (triggerFile is not null)
        {
            await WaitForFileAsync(triggerFile, shutdown.Requested);
        }

        if (via == "grandchild")
        {
            using var grandchild = SelfProcess.Start("notify-sender", "--send", send);
            Console.Out.WriteLine($"GRANDCHILD {grandchild.Id}");
            await shutdown.Requested;
            return 0;
        }

        Send(address, send);
        await PingAsync(address, pings, shutdown.Requested);
        await shutdown.Requested;
        return 0;
    }

    /// <summary>notify-sender --send A|B: sends, then stays alive (a sender must be alive when its datagram is read) until SIGTERM.</summary>
    public static async Task<int> NotifySenderAsync(CommandLine commandLine)
    {
        var send = commandLine.GetString("send") ?? "READY=1";
        commandLine.EnsureAllOptionsUsed();
        using var shutdown = ShutdownSignal.ExitOnTerm();
        Send(Environment.GetEnvironmentVariable("NOTIFY_SOCKET")!, send);
        Console.Out.WriteLine($"SENT {Environment.ProcessId}");
        await shutdown.Requested;
        return 0;
    }

    /// <summary>Sends each '|'-separated datagram to an sd_notify address ('@' names an abstract socket).</summary>
    public static void Send(string address, string datagrams)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        var endPoint = new UnixDomainSocketEndPoint(address.StartsWith('@') ? "\0" + address[1..] : address);
        foreach (var datagram in datagrams.Split('|'))
        {
            socket.SendTo(Encoding.UTF8.GetBytes(datagram), endPoint);
        }
    }

    private static async Task PingAsync(string address, int pings, Task shutdown)
    {
        if (pings <= 0 || Environment.GetEnvironmentVariable("WATCHDOG_USEC") is not { } usec)
        {
            return;
        }

        var interval = TimeSpan.FromTicks(long.Parse(usec, CultureInfo.InvariantCulture) * 10 / 3);
        for (var i = 0; i < pings && !shutdown.IsCompleted; i++)
        {
            await Task.WhenAny(Task.Delay(interval, TimeProvider.System), shutdown);
            Send(address, "WATCHDOG=1");
            Console.Out.WriteLine($"PING {i + 1}");
        }

        Console.Out.WriteLine("PINGS STOPPED");
    }

    internal static async Task WaitForFileAsync(string path, Task shutdown)
    {
        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!, Path.GetFileName(path)) { NotifyFilter = NotifyFilters.FileName };
        watcher.Created += (_, _) => created.TrySetResult();
        watcher.Renamed += (_, _) => created.TrySetResult();
        watcher.EnableRaisingEvents = true;
        if (File.Exists(path))
        {
            return;
        }

        Console.Out.WriteLine("WAITING FOR TRIGGER");
        await Task.WhenAny(created.Task, shutdown);
    }

    /// <summary>ready-line [--first TEXT] [--second TEXT]: writes one line in two flushed writes a little apart, then waits for SIGTERM.</summary>
    public static async Task<int> ReadyLineAsync(CommandLine commandLine)
    {
        var first = commandLine.GetString("first") ?? "listening ";
        var second = commandLine.GetString("second") ?? "on 127.0.0.1:8080";
        commandLine.EnsureAllOptionsUsed();
        using var shutdown = ShutdownSignal.ExitOnTerm();
        using var stdout = Console.OpenStandardOutput();
        await stdout.WriteAsync(Encoding.UTF8.GetBytes("booting\n" + first));
        await stdout.FlushAsync();

        // Apart in time, so the reader sees two reads: the supervisor must join them into one line before matching.
        await Task.WhenAny(Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System), shutdown.Requested);
        await stdout.WriteAsync(Encoding.UTF8.GetBytes(second + "\n"));
        await stdout.FlushAsync();
        await shutdown.Requested;
        return 0;
    }
}
