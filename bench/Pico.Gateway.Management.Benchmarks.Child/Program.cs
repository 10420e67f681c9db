namespace Pico.Gateway.Management.Benchmarks.Child;

/// <summary>
/// The gateway every supervisor runs in the benchmarks (ours, supervisord, PM2): the test child's modes, plus CLOCK_MONOTONIC
/// stamps appended to a file so that the harness can tell the gateway's own moments (listening, first 200, flood start and end)
/// from the supervisor's.
/// </summary>
internal static class Program
{
    private const int UsageExitCode = 64;

    private const string Usage = """
        usage: Pico.Gateway.Management.Benchmarks.Child <mode> [options]
          healthy --port N [--stamps FILE] [--body-bytes B]
                                                serve GET /health (200, JSON object) on 127.0.0.1:N until SIGTERM; with B,
                                                a B-byte body that changes on every answer (seq, t = monotonic ns);
                                                GET /flood?lines=N writes N lines to stdout as flood does, then answers 200
          flood [--lines N] [--per-line-writes 1] [--stamps FILE]
                                                write N short lines ("line 1".."line N") to stdout (1 MiB writes, or one per line), then exit 0
          exit [--code C]                       exit at once with code C
          notify [--stamps FILE]                send READY=1 to NOTIFY_SOCKET, then wait for SIGTERM
          ready-line [--stamps FILE]            write "gateway ready" to stdout, then wait for SIGTERM
        """;

    public static int Main(string[] args)
    {
        var started = Stamps.Now();
        if (args.Length == 0 || args.Length % 2 == 0)
        {
            Console.Error.WriteLine(Usage);
            return UsageExitCode;
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i += 2)
        {
            options[args[i].TrimStart('-')] = args[i + 1];
        }

        var stamps = new Stamps(options.GetValueOrDefault("stamps"));
        switch (args[0])
        {
            case "healthy" when options.TryGetValue("port", out var port):
                stamps.Write("main", started);
                return HealthServer.Run(
                    int.Parse(port, System.Globalization.CultureInfo.InvariantCulture),
                    stamps,
                    int.Parse(options.GetValueOrDefault("body-bytes", "0"), System.Globalization.CultureInfo.InvariantCulture));
            case "flood":
                return Flood.Run(int.Parse(options.GetValueOrDefault("lines", "1000000"), System.Globalization.CultureInfo.InvariantCulture), options.GetValueOrDefault("per-line-writes", Environment.GetEnvironmentVariable("PICO_BENCH_PER_LINE_WRITES") ?? "0") == "1", stamps, started);
            case "notify" or "ready-line":
                return SelfReport.Run(args[0], stamps);
            case "exit":
                return int.Parse(options.GetValueOrDefault("code", "0"), System.Globalization.CultureInfo.InvariantCulture);
            default:
                Console.Error.WriteLine(Usage);
                return UsageExitCode;
        }
    }
}
