using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Pico.Gateway.Management.Tests.Child;

/// <summary>
/// A gateway that leaves a descendant behind the way real daemons escape a supervisor: a plain child (stays in the process group), a
/// daemon (an intermediate process that exits at once, then setsid), or a child that moves to a process group of its own. The
/// escapee inherits stdout and stderr, so it holds the gateway's pipes open, ignores SIGTERM, and writes its pid to a file.
/// </summary>
internal static partial class EscapeeModes
{
    private const int EscapeeFailedExitCode = 71;

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The gateway: starts the escapee, waits until it has escaped, prints <c>ESCAPEE pid</c>, then serves health if asked.</summary>
    public static async Task<int> EscapeeAsync(CommandLine commandLine)
    {
        var how = commandLine.GetString("how") ?? throw new UsageException("mode 'escapee' needs '--how plain|daemon|setpgid|cheap-daemon'");
        var pidFile = commandLine.GetString("pid-file") ?? throw new UsageException("mode 'escapee' needs '--pid-file'");
        var port = commandLine.GetInt32("port");
        var settings = port is { } listenPort ? HealthSettings.Read(commandLine, listenPort) : null;
        commandLine.EnsureAllOptionsUsed();
        using var shutdown = ShutdownSignal.ExitOnTerm();

        var written = WaitForFileAsync(pidFile);
        switch (how)
        {
            case "plain":
                SelfProcess.Start("hold", "--pid-file", pidFile).Dispose();
                break;
            case "setpgid":
                SelfProcess.Start("hold", "--pid-file", pidFile, "--escape", "setpgid").Dispose();
                break;
            case "daemon":
                SelfProcess.Start("daemonize", "--pid-file", pidFile).Dispose();
                break;
            case "cheap-daemon":
                // /usr/bin/setsid execs in place when its caller is not a group leader: the shell's pid is the sleeper's.
                Process.Start(new ProcessStartInfo("setsid")
                {
                    ArgumentList = { "/bin/sh", "-c", "echo $$ > \"$1.tmp\" && mv \"$1.tmp\" \"$1\" && exec sleep 3600", "sh", pidFile },
                    UseShellExecute = false,
                })!.Dispose();
                break;
            default:
                throw new UsageException($"unknown --how '{how}'");
        }

        if (await Task.WhenAny(written, shutdown.Requested).WaitAsync(ReadyTimeout) != written)
        {
            return 0;
        }

        Console.Out.WriteLine($"ESCAPEE {(await File.ReadAllTextAsync(pidFile)).Trim()}");
        return settings is null ? await WaitAsync(shutdown) : await Modes.ServeHealthAsync(settings, shutdown);
    }

    /// <summary>The daemon's intermediate: starts the escapee and exits at once, so the escapee is re-parented away from the gateway.</summary>
    public static int Daemonize(CommandLine commandLine)
    {
        var pidFile = commandLine.GetString("pid-file") ?? throw new UsageException("mode 'daemonize' needs '--pid-file'");
        commandLine.EnsureAllOptionsUsed();
        SelfProcess.Start("hold", "--pid-file", pidFile, "--escape", "setsid").Dispose();
        return 0;
    }

    /// <summary>The escapee: leaves the group or session if asked, records its pid, ignores SIGTERM and holds the pipes until killed.</summary>
    public static async Task<int> HoldAsync(CommandLine commandLine)
    {
        var pidFile = commandLine.GetString("pid-file") ?? throw new UsageException("mode 'hold' needs '--pid-file'");
        var escape = commandLine.GetString("escape");
        commandLine.EnsureAllOptionsUsed();
        using var shutdown = ShutdownSignal.IgnoreTerm();

        var result = escape switch
        {
            null => 0,
            "setsid" => setsid(),
            "setpgid" => setpgid(0, 0),
            _ => throw new UsageException($"unknown --escape '{escape}'"),
        };
        if (result < 0)
        {
            await Console.Error.WriteLineAsync($"{escape} failed: {Marshal.GetLastPInvokeErrorMessage()}");
            return EscapeeFailedExitCode;
        }

        // Written whole, then renamed: the gateway never reads a partial pid.
        await File.WriteAllTextAsync(pidFile + ".tmp", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.Move(pidFile + ".tmp", pidFile);
        Console.Out.WriteLine($"HOLDING {Environment.ProcessId}");
        await shutdown.Requested;
        return 0;
    }

    private static async Task<int> WaitAsync(ShutdownSignal shutdown)
    {
        Console.Out.WriteLine("WAITING");
        await shutdown.Requested;
        return 0;
    }

    private static Task WaitForFileAsync(string path)
    {
        // inotify, not polling: the watcher is in place before the escapee can write the file.
        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watcher = new FileSystemWatcher(Path.GetDirectoryName(Path.GetFullPath(path))!, Path.GetFileName(path))
        {
            NotifyFilter = NotifyFilters.FileName,
        };
        watcher.Created += (_, _) => created.TrySetResult();
        watcher.Renamed += (_, _) => created.TrySetResult();
        watcher.EnableRaisingEvents = true;
        if (File.Exists(path))
        {
            created.TrySetResult();
        }

        return created.Task.ContinueWith(_ => watcher.Dispose(), TaskScheduler.Default);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setsid();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setpgid(int pid, int processGroup);
}
