using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Pico.Gateway.Management.DemoGateway;

internal static class Program
{
    private const int ListenFailedExitCode = 1;
    private const int UsageExitCode = 64;
    private const int ConfigurationExitCode = 78;

    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(10);

    public static async Task<int> Main(string[] args)
    {
        // Extra arguments are ignored, as a stand-in for `picoclaw gateway [flags]` should not trip over its flags.
        if (args.Length == 0 || args[0] != "gateway")
        {
            await Console.Error.WriteLineAsync("usage: Pico.Gateway.Management.DemoGateway gateway");
            return UsageExitCode;
        }

        DemoGatewayConfig config;
        try
        {
            config = DemoGatewayConfig.Load(DemoGatewayConfig.ResolvePath());
        }
        catch (ConfigurationException exception)
        {
            await Console.Error.WriteLineAsync($"error: {exception.Message}");
            return ConfigurationExitCode;
        }

        var host = Environment.GetEnvironmentVariable("PICOCLAW_GATEWAY_HOST") is { Length: > 0 } hostOverride
            ? hostOverride
            : config.Host;

        var shutdown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void RequestShutdown(PosixSignalContext context)
        {
            context.Cancel = true;
            shutdown.TrySetResult();
        }

        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, RequestShutdown);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, RequestShutdown);

        var gateway = new DemoGateway();
        TinyHttpServer server;
        try
        {
            server = TinyHttpServer.Start(ResolveAddress(host), config.Port, gateway.Respond, keepAlive: true);
        }
        catch (SocketException exception)
        {
            var reason = exception.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? "the port is already in use (is another gateway running?)"
                : exception.Message;
            await Console.Error.WriteLineAsync($"error: cannot listen on {FormatAuthority(host, config.Port)}: {reason}");
            return ListenFailedExitCode;
        }

        await using (server)
        {
            using var notifier = new SystemdNotifier();
            Console.Out.WriteLine($"demo gateway listening on http://{FormatAuthority(host, server.Port)}");
            notifier.Send($"READY=1\nSTATUS=listening on {FormatAuthority(host, server.Port)}");
            using var heartbeat = new PeriodicTimer(HeartbeatInterval);
            var tick = heartbeat.WaitForNextTickAsync().AsTask();
            while (await Task.WhenAny(tick, shutdown.Task) == tick)
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"heartbeat uptime={(long)gateway.Uptime.TotalSeconds}s"));
                tick = heartbeat.WaitForNextTickAsync().AsTask();
            }

            notifier.Send("STOPPING=1");
        }

        return 0;
    }

    private static IPAddress ResolveAddress(string host)
    {
        if (IPAddress.TryParse(host, out var address))
        {
            return address;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        return Dns.GetHostAddresses(host) is [var first, ..]
            ? first
            : throw new SocketException((int)SocketError.HostNotFound);
    }

    private static string FormatAuthority(string host, int port) =>
        string.Create(CultureInfo.InvariantCulture, $"{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port}");
}
