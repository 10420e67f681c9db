namespace Pico.Gateway.Management.Processes;

/// <summary>How a process ended: an exit code, or the signal that terminated it.</summary>
internal readonly record struct GatewayProcessExit(int? ExitCode, int? Signal)
{
    public static GatewayProcessExit Unknown => default;

    public override string ToString() => (ExitCode, Signal) switch
    {
        (_, int signal) => $"terminated by signal {signal} ({SignalName(signal)})",
        (int code, _) => $"exited with code {code}",
        _ => "exited",
    };

    private static string SignalName(int signal) => signal switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        6 => "SIGABRT",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        _ => "signal " + signal.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
