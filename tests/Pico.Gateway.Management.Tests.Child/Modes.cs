using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pico.Gateway.Management.Tests.Child;

internal static class Modes
{
    private const int ListenFailedExitCode = 1;
    private const int GrandchildFailedExitCode = 70;

    private static readonly TimeSpan GrandchildReadyTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> HealthyAsync(CommandLine commandLine)
    {
        var settings = HealthSettings.Read(commandLine, commandLine.GetRequiredInt32("port"));
        commandLine.EnsureAllOptionsUsed();
        using var shutdown = ShutdownSignal.ExitOnTerm();
        return await ServeHealthAsync(settings, shutdown);
    }

    public static async Task<int> IgnoreTermAsync(CommandLine commandLine)
    {
        var settings = HealthSettings.Read(commandLine, commandLine.GetRequiredInt32("port"));
        commandLine.EnsureAllOptionsUsed();
        using var shutdown = ShutdownSignal.IgnoreTerm();
        return await ServeHealthAsync(settings, shutdown);
    }

    /// <summary>A healthy gateway that also logs a numbered line every <c>--every-ms</c>, as a busy gateway does.</summary>
    public static async Task<int> ChattyAsync(CommandLine commandLine)
    {
        var every = TimeSpan.FromMilliseconds(commandLine.GetInt32("every-ms", 10));
        var settings = HealthSettings.Read(commandLine, commandLine.GetRequiredInt32("port"));
        commandLine.EnsureAllOptionsUsed();
        using var shutdown = ShutdownSignal.ExitOnTerm();
        using var stopTicking = new CancellationTokenSource();
        var ticking = TickAsync(every, stopTicking.Token);
        var code = await ServeHealthAsync(settings, shutdown);
        await stopTicking.CancelAsync();
        await ticking;
        return code;
    }

    public static async Task<int> GrandchildAsync(CommandLine commandLine)
    {
        var settings = HealthSettings.Read(commandLine, commandLine.GetRequiredInt32("port"));
        commandLine.EnsureAllOptionsUsed();
        using var shutdown = ShutdownSignal.ExitOnTerm();

        // Without this handshake a test could signal the process group before the grandchild ignores SIGTERM,
        // and the grandchild's death would prove nothing about the supervisor's SIGKILL.
        var readyFile = Path.Combine(Path.GetTempPath(), $"pico-grandchild-{Environment.ProcessId}-{Guid.NewGuid():N}.ready");
        try
        {
            // inotify tells when the grandchild has written its ready file: nothing polls, even here.
            var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var watcher = new FileSystemWatcher(Path.GetDirectoryName(readyFile)!, Path.GetFileName(readyFile)) { NotifyFilter = NotifyFilters.FileName };
            watcher.Created += (_, _) => created.TrySetResult();
            watcher.EnableRaisingEvents = true;

            using var grandchild = SelfProcess.Start("sleep", "--ready-file", readyFile);
            Console.Out.WriteLine($"GRANDCHILD {grandchild.Id}");
            if (File.Exists(readyFile))
            {
                created.TrySetResult();
            }

            var first = await Task.WhenAny(created.Task, grandchild.WaitForExitAsync(), shutdown.Requested)
                .WaitAsync(GrandchildReadyTimeout)
                .ContinueWith(static task => task.IsCompletedSuccessfully ? task.Result : null, TaskScheduler.Default);
            if (first == shutdown.Requested)
            {
                return 0;
            }

            if (first != created.Task)
            {
                await Console.Error.WriteLineAsync("the grandchild did not start sleeping");
                return GrandchildFailedExitCode;
            }
        }
        finally
        {
            File.Delete(readyFile);
        }

        return await ServeHealthAsync(settings, shutdown);
    }

    public static async Task<int> SleepAsync(CommandLine commandLine)
    {
        var readyFile = commandLine.GetString("ready-file");
        commandLine.EnsureAllOptionsUsed();
        using var shutdown = ShutdownSignal.IgnoreTerm();
        Console.Out.WriteLine($"SLEEPING {Environment.ProcessId}");
        if (readyFile is not null)
        {
            await File.WriteAllTextAsync(readyFile, string.Empty);
        }

        await shutdown.Requested;
        return 0;
    }

    public static async Task<int> LongLineAsync(CommandLine commandLine)
    {
        var bytes = commandLine.GetInt32("bytes", 5_000_000);
        var then = commandLine.GetInt32("then", 3);
        var port = commandLine.GetInt32("port");
        var settings = port is { } listenPort ? HealthSettings.Read(commandLine, listenPort) : null;
        commandLine.EnsureAllOptionsUsed();
        using var shutdown = ShutdownSignal.ExitOnTerm();

        WriteLongLine(bytes, then);
        return settings is null ? 0 : await ServeHealthAsync(settings, shutdown);
    }

    public static async Task<int> FloodAsync(CommandLine commandLine)
    {
        var lines = commandLine.GetInt32("lines", 1_000_000);
        var stderrLines = commandLine.GetInt32("stderr-lines", 0);
        var perLineWrites = commandLine.GetString("per-line-writes") == "true";
        var thenWaitFor = commandLine.GetString("then-wait-for");
        commandLine.EnsureAllOptionsUsed();
        WriteNumberedLines(Console.OpenStandardOutput(), "line "u8, lines, perLineWrites);
        WriteNumberedLines(Console.OpenStandardError(), "stderr line "u8, stderrLines, perLineWrites);
        if (thenWaitFor is null)
        {
            return 0;
        }

        using var shutdown = ShutdownSignal.ExitOnTerm();

        // Silent after the flood ("WAITING FOR TRIGGER" is its last line), then one line after quiet, then silent until SIGTERM.
        await NotifyModes.WaitForFileAsync(thenWaitFor, shutdown.Requested);
        using (var stdout = Console.OpenStandardOutput())
        {
            stdout.Write("LONE LINE\n"u8);
        }

        await shutdown.Requested;
        return 0;
    }

    public static int Exit(CommandLine commandLine)
    {
        var code = commandLine.GetInt32("code", 3);
        var stderr = commandLine.GetString("stderr");
        commandLine.EnsureAllOptionsUsed();
        Console.Out.WriteLine($"EXITING {code}");
        if (stderr is not null)
        {
            Console.Error.WriteLine(stderr);
        }

        return code;
    }

    public static async Task<int> NeverHealthyAsync(CommandLine commandLine)
    {
        commandLine.EnsureAllOptionsUsed();
        using var shutdown = ShutdownSignal.ExitOnTerm();
        Console.Out.WriteLine("WAITING");
        await shutdown.Requested;
        return 0;
    }

    public static int InvalidUtf8(CommandLine commandLine)
    {
        commandLine.EnsureAllOptionsUsed();
        using var stdout = Console.OpenStandardOutput();
        stdout.Write([0x66, 0x6F, 0xFF, 0xFE, 0x6F, 0x0A]);
        stdout.Write("after\n"u8);
        stdout.Flush();
        return 0;
    }

    internal static async Task<int> ServeHealthAsync(HealthSettings settings, ShutdownSignal shutdown)
    {
        if (settings.DelayMs > 0)
        {
            // A real child delays in real time: the test measures what a slow health endpoint does to a real probe.
            await Task.WhenAny(Task.Delay(TimeSpan.FromMilliseconds(settings.DelayMs), TimeProvider.System), shutdown.Requested);
        }

        if (shutdown.Requested.IsCompleted)
        {
            return 0;
        }

        var responder = new HealthResponder(settings);
        TinyHttpServer server;
        try
        {
            server = TinyHttpServer.Start(IPAddress.Loopback, settings.Port, responder.Respond);
        }
        catch (SocketException exception)
        {
            await Console.Error.WriteLineAsync($"cannot listen on 127.0.0.1:{settings.Port}: {exception.Message}");
            return ListenFailedExitCode;
        }

        Task finished;
        await using (server)
        {
            Console.Out.WriteLine($"READY {server.Port}");
            finished = await Task.WhenAny(shutdown.Requested, responder.ExitRequested);
        }

        if (finished != responder.ExitRequested)
        {
            return 0;
        }

        var code = await responder.ExitRequested;
        Console.Out.WriteLine($"EXITING {code}");
        return code;
    }

    private static async Task TickAsync(TimeSpan every, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(every, TimeProvider.System);
        try
        {
            for (var tick = 1L; await timer.WaitForNextTickAsync(cancellationToken); tick++)
            {
                // Console.Out flushes each line; after the reading end is gone .NET drops the write (EPIPE) instead of dying.
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tick {tick}"));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static void WriteLongLine(int bytes, int then)
    {
        using var stdout = Console.OpenStandardOutput();
        Span<byte> chunk = stackalloc byte[16 * 1024];
        chunk.Fill((byte)'x');
        for (var remaining = bytes; remaining > 0; remaining -= chunk.Length)
        {
            stdout.Write(chunk[..Math.Min(remaining, chunk.Length)]);
        }

        stdout.Write("\n"u8);
        for (var i = 1; i <= then; i++)
        {
            stdout.Write(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"line {i}\n")));
        }

        stdout.Flush();
    }

    /// <summary>Numbered lines through a 1 MiB buffer, or with <paramref name="perLineWrites"/> one write(2) per line, as an unbuffered logger writes.</summary>
    private static void WriteNumberedLines(Stream destination, ReadOnlySpan<byte> prefix, int count, bool perLineWrites = false)
    {
        if (count <= 0)
        {
            return;
        }

        using var buffered = perLineWrites ? destination : new BufferedStream(destination, 1024 * 1024);
        Span<byte> line = stackalloc byte[prefix.Length + 12];
        prefix.CopyTo(line);
        var digits = line[prefix.Length..];
        for (var i = 1; i <= count; i++)
        {
            i.TryFormat(digits, out var written, provider: CultureInfo.InvariantCulture);
            digits[written] = (byte)'\n';
            buffered.Write(line[..(prefix.Length + written + 1)]);
        }
    }
}
