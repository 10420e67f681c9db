using System.Net.Sockets;
using System.Text;
using Pico.Gateway.Management.Tests.Testing;

namespace Pico.Gateway.Management.Tests.Integration;

/// <summary>Each readiness source against a real child: sd_notify (with its sender check and watchdog), a ready line, a TCP connect.</summary>
public sealed class ReadinessSourceTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pico-readiness-").FullName;

    [Fact]
    public async Task Notify_READY_from_a_grandchild_makes_the_gateway_running_without_polling()
    {
        await using var gateway = new RealGateway("notify", ["--via", "grandchild", "--send", "STATUS=warming up|READY=1"], configure: Notify);

        await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);

        var running = await gateway.Recorder.WaitForStatusAsync(GatewayStatus.Running);
        Assert.Equal("warming up", running.StatusText);
        Assert.Null(running.StartupDetail);
    }

    [Fact]
    public async Task Notify_READY_from_a_process_outside_the_tree_is_refused()
    {
        var trigger = Path.Combine(_directory, "trigger");
        await using var gateway = new RealGateway("notify", ["--trigger-file", trigger, "--send", "STATUS=from the gateway"], configure: Notify);
        await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);
        var address = (await gateway.Lines.WaitForPrefixAsync("NOTIFY_SOCKET ").WaitAsync(TestTimeouts.Wait))["NOTIFY_SOCKET ".Length..];

        // This test host is no process of the gateway's tree: its READY=1 reaches the socket and must not count.
        Send(address, "READY=1");
        await File.WriteAllTextAsync(trigger, string.Empty);

        // One socket delivers in order: once the gateway's own later status is in, the stranger's datagram was judged.
        var status = await gateway.Recorder.WaitForAsync(e => e.StatusText == "from the gateway");
        Assert.Equal(GatewayStatus.Starting, status.Status);
        Assert.Equal(GatewayStatus.Starting, gateway.Manager.Current.Status);
    }

    [Fact]
    public async Task A_Notify_gateway_that_stops_pinging_the_watchdog_is_reported_and_restarted()
    {
        await using var gateway = new RealGateway(
            "notify",
            ["--send", "READY=1", "--watchdog-pings", "2"],
            configure: o =>
            {
                Notify(o);
                o.Readiness.WatchdogTimeout = TimeSpan.FromMilliseconds(300);
                o.RestartPolicy = GatewayRestartPolicy.OnFailure;
            });

        var first = (await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait)).ProcessId;
        await gateway.Recorder.WaitForStatusAsync(GatewayStatus.Running);

        var hung = await gateway.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Error);
        Assert.Equal("watchdog: no WATCHDOG=1 within 300 ms", hung.LastError);
        Assert.Equal(first, hung.ProcessId);
        var restarted = await gateway.Recorder.WaitForAsync(e => e.Status == GatewayStatus.Running && e.ProcessId != first);
        Assert.NotNull(restarted.ProcessId);
    }

    [Fact]
    public async Task A_ready_line_written_in_two_pieces_marks_the_gateway_running()
    {
        await using var gateway = new RealGateway(
            "ready-line",
            configure: o =>
            {
                o.Readiness.Mode = GatewayReadinessMode.OutputLine;
                o.Readiness.OutputPattern = @"^listening on 127\.0\.0\.1:\d+$";
                o.Readiness.Liveness = GatewayLivenessMode.None;
            });

        await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);

        await gateway.Recorder.WaitForStatusAsync(GatewayStatus.Running);
        Assert.Equal("listening on 127.0.0.1:8080", gateway.Lines.LastOf(GatewayLogStream.StandardOutput));
    }

    [Fact]
    public async Task A_Tcp_gateway_is_running_once_its_port_accepts_whatever_its_HTTP_answers()
    {
        await using var gateway = new RealGateway(
            "healthy",
            ["--status", "503", "--delay-ms", "200"],
            configure: o =>
            {
                o.Readiness.Mode = GatewayReadinessMode.Tcp;
                o.Readiness.Liveness = GatewayLivenessMode.Tcp;
            });

        await gateway.Manager.StartAsync().WaitAsync(TestTimeouts.Wait);

        var starting = await gateway.Recorder.WaitForAsync(e => e.StartupDetail == "connection refused");
        Assert.Equal(GatewayStatus.Starting, starting.Status);
        await gateway.Recorder.WaitForStatusAsync(GatewayStatus.Running);
        await gateway.Manager.TickAsync(CancellationToken.None).WaitAsync(TestTimeouts.Wait);
        Assert.Equal(GatewayStatus.Running, gateway.Manager.Current.Status);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static void Notify(GatewayOptions options)
    {
        options.Readiness.Mode = GatewayReadinessMode.Notify;
        options.Readiness.Liveness = GatewayLivenessMode.None;
    }

    private static void Send(string address, string datagram)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.SendTo(Encoding.UTF8.GetBytes(datagram), new UnixDomainSocketEndPoint(address.StartsWith('@') ? "\0" + address[1..] : address));
    }
}
