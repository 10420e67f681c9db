namespace Pico.Gateway.Management.Tests.Child;

internal static class Program
{
    private const int UsageExitCode = 64;

    private const string Usage = """
        usage: Pico.Gateway.Management.Tests.Child <mode> [options]
          healthy --port N [--delay-ms D] [--status CODE] [--body JSON] [--health-file PATH] [--exit-route PATH] [--content-type TYPE]
          ignore-term --port N [healthy options]
          grandchild --port N [healthy options]
          sleep
          long-line [--bytes N] [--then K] [--port N [healthy options]]
          flood [--lines N] [--stderr-lines M] [--per-line-writes true] [--then-wait-for PATH]
          exit [--code C] [--stderr TEXT]
          never-healthy
          invalid-utf8
          escapee --how plain|daemon|setpgid|cheap-daemon --pid-file PATH [--port N [healthy options]]
          daemonize --pid-file PATH
          hold --pid-file PATH [--escape setsid|setpgid]
          notify [--send A|B] [--via self|grandchild] [--trigger-file PATH] [--watchdog-pings N]
          notify-sender [--send A|B]
          ready-line [--first TEXT] [--second TEXT]
          adopt-pid-one --pid-file PATH   (inside a throw-away PID namespace only)
          chatty --port N --every-ms M [healthy options]
          host --pid-file PATH --port N --marker M [--auto-start true]   (a whole host supervising 'healthy --port N')
        """;

    public static async Task<int> Main(string[] args)
    {
        try
        {
            var commandLine = CommandLine.Parse(args);
            return commandLine.Mode switch
            {
                "healthy" => await Modes.HealthyAsync(commandLine),
                "ignore-term" => await Modes.IgnoreTermAsync(commandLine),
                "grandchild" => await Modes.GrandchildAsync(commandLine),
                "sleep" => await Modes.SleepAsync(commandLine),
                "long-line" => await Modes.LongLineAsync(commandLine),
                "flood" => await Modes.FloodAsync(commandLine),
                "exit" => Modes.Exit(commandLine),
                "never-healthy" => await Modes.NeverHealthyAsync(commandLine),
                "invalid-utf8" => Modes.InvalidUtf8(commandLine),
                "escapee" => await EscapeeModes.EscapeeAsync(commandLine),
                "daemonize" => EscapeeModes.Daemonize(commandLine),
                "hold" => await EscapeeModes.HoldAsync(commandLine),
                "notify" => await NotifyModes.NotifyAsync(commandLine),
                "notify-sender" => await NotifyModes.NotifySenderAsync(commandLine),
                "ready-line" => await NotifyModes.ReadyLineAsync(commandLine),
                "adopt-pid-one" when OperatingSystem.IsLinux() => await OwnershipModes.AdoptPidOneAsync(commandLine),
                "chatty" => await Modes.ChattyAsync(commandLine),
                "host" => await HostMode.RunAsync(commandLine),
                _ => throw new UsageException($"unknown mode '{commandLine.Mode}'"),
            };
        }
        catch (UsageException exception)
        {
            await Console.Error.WriteLineAsync($"error: {exception.Message}\n{Usage}");
            return UsageExitCode;
        }
    }
}
