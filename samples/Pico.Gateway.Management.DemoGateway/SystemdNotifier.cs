using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Pico.Gateway.Management.DemoGateway;

/// <summary>
/// systemd's sd_notify protocol, as a gateway that announces readiness itself speaks it: a datagram to the socket named by
/// NOTIFY_SOCKET (a leading '@' names an abstract socket), and WATCHDOG=1 every half WATCHDOG_USEC. Without NOTIFY_SOCKET it does
/// nothing, so the gateway runs the same under any supervisor.
/// </summary>
internal sealed class SystemdNotifier : IDisposable
{
    private readonly Socket? _socket;
    private readonly UnixDomainSocketEndPoint? _endPoint;
    private readonly PeriodicTimer? _watchdog;

    public SystemdNotifier()
    {
        if (Environment.GetEnvironmentVariable("NOTIFY_SOCKET") is not { Length: > 0 } address)
        {
            return;
        }

        _endPoint = new UnixDomainSocketEndPoint(address[0] == '@' ? "\0" + address[1..] : address);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        if (long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds) && microseconds > 0)
        {
            _watchdog = new PeriodicTimer(TimeSpan.FromTicks(microseconds * 10 / 2));
            _ = PingAsync(_watchdog);
        }
    }

    /// <summary>Sends one datagram of NAME=value lines, e.g. <c>READY=1\nSTATUS=listening</c>.</summary>
    public void Send(string assignments)
    {
        if (_socket is null)
        {
            return;
        }

        try
        {
            _socket.SendTo(Encoding.UTF8.GetBytes(assignments), _endPoint!);
        }
        catch (SocketException exception)
        {
            // As sd_notify: a supervisor that went away is no reason for the gateway to fail.
            Console.Error.WriteLine($"sd_notify: {exception.Message}");
        }
    }

    public void Dispose()
    {
        _watchdog?.Dispose();
        _socket?.Dispose();
    }

    private async Task PingAsync(PeriodicTimer timer)
    {
        while (await timer.WaitForNextTickAsync())
        {
            Send("WATCHDOG=1");
        }
    }
}
