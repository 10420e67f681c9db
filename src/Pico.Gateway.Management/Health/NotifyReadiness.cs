using System.Globalization;
using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;
using Pico.Gateway.Management.Diagnostics;
using Pico.Gateway.Management.Supervision;

namespace Pico.Gateway.Management.Health;

/// <summary>
/// The <see cref="GatewayReadinessMode.Notify"/> source: systemd's <c>sd_notify</c> protocol on a private socket per run. Only a
/// datagram whose sender (as the kernel stamps it) is a live process of the gateway's tree counts: <c>READY=1</c>, <c>STATUS=</c>,
/// <c>STOPPING=1</c>, <c>RELOADING=1</c>, <c>ERRNO=</c>, <c>WATCHDOG=1</c> and <c>EXTEND_TIMEOUT_USEC=</c>.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class NotifyReadiness : IReadinessSource
{
    private readonly NotifySocket _socket = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ILogger _logger;

    public NotifyReadiness(GatewayReadinessOptions options, ILogger logger)
    {
        _logger = logger;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["NOTIFY_SOCKET"] = _socket.Address };
        if (options.WatchdogTimeout is { } watchdog)
        {
            environment["WATCHDOG_USEC"] = ((long)(watchdog.Ticks / 10)).ToString(CultureInfo.InvariantCulture);
        }

        Environment = environment;
    }

    public IReadOnlyDictionary<string, string> Environment { get; }

    public void Attach(ProcessRun run, IReadinessListener listener)
    {
        // WATCHDOG_PID would name the main process; without it any process of the tree may ping, as systemd's NotifyAccess=all.
        _ = ReceiveAsync(run, listener, _stop.Token);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
        _socket.Dispose();
    }

    /// <summary>Applies one datagram's assignments in order, as sd_notify sends them: one per line.</summary>
    internal static void Apply(string datagram, ProcessRun run, IReadinessListener listener)
    {
        foreach (var line in datagram.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = line.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                continue;
            }

            var value = line[(separator + 1)..];
            switch (line[..separator])
            {
                case "READY" when value == "1":
                    listener.Ready(run);
                    break;
                case "STATUS":
                    listener.Status(run, value);
                    break;
                case "STOPPING" when value == "1":
                    listener.Status(run, "stopping");
                    break;
                case "RELOADING" when value == "1":
                    listener.Status(run, "reloading");
                    break;
                case "ERRNO":
                    listener.Status(run, "errno " + value);
                    break;
                case "WATCHDOG" when value == "1":
                    listener.WatchdogPing(run);
                    break;
                case "EXTEND_TIMEOUT_USEC" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds):
                    listener.ExtendStartup(run, TimeSpan.FromTicks(Math.Min(microseconds, long.MaxValue / 10) * 10));
                    break;
            }
        }
    }

    private async Task ReceiveAsync(ProcessRun run, IReadinessListener listener, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var (text, sender) = await _socket.ReceiveAsync(cancellationToken).ConfigureAwait(false);
                if (sender <= 0 || !run.Process.IsInTree(sender))
                {
                    Log.NotifyRefused(_logger, sender, run.Id);
                    continue;
                }

                Apply(text, run, listener);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
