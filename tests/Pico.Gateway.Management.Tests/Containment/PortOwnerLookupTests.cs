using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Tests.Testing;

namespace Pico.Gateway.Management.Tests.Containment;

/// <summary>Who holds a port, read from /proc with real listeners: the host itself, a stranger, and a gateway's own tree.</summary>
public sealed class PortOwnerLookupTests
{
    [Fact]
    public void Parses_the_listening_sockets_of_a_proc_net_table()
    {
        const string Table = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 89831 1 00000000c54d2b29 100 0 0 10 0
               1: 0100007F:C846 0100007F:9E89 01 00000000:00000000 00:00000000 00000000     0        0 457680 2 000000000c1a6498 20 4 28 18 -1
               2: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1234 1 00000000c54d2b29 100 0 0 10 0
            """;

        var listeners = PortOwnerLookup.ParseListeners(Table).ToList();

        Assert.Equal(
            [(new IPEndPoint(IPAddress.Loopback, 8080), 89831L), (new IPEndPoint(IPAddress.Any, 80), 1234L)],
            listeners);
    }

    [Fact]
    public void Finds_the_host_itself_listening_on_loopback()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var found = Assert.Single(PortOwnerLookup.FindListeners(IPAddress.Loopback, port));

        Assert.Equal(Environment.ProcessId, found.ProcessId);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, port), found.LocalEndPoint);
        Assert.Equal(found, PortOwnerLookup.FindListener(new Uri($"http://127.0.0.1:{port}/health")));
        Assert.Equal(found, PortOwnerLookup.FindListener(new Uri($"http://localhost:{port}/health")));
    }

    [Fact]
    public void A_wildcard_listener_holds_the_loopback_port_too()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var found = Assert.Single(PortOwnerLookup.FindListeners(IPAddress.Loopback, port));

        Assert.Equal(IPAddress.Any, found.LocalEndPoint.Address);
        Assert.Equal(Environment.ProcessId, found.ProcessId);
    }

    [Fact]
    public void Finds_an_ipv6_loopback_listener()
    {
        if (!Socket.OSSupportsIPv6)
        {
            return;
        }

        using var listener = new TcpListener(IPAddress.IPv6Loopback, 0);
        try
        {
            listener.Start();
        }
        catch (SocketException)
        {
            // IPv6 compiled in but ::1 not configured (some containers): nothing to look up.
            return;
        }

        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var found = Assert.Single(PortOwnerLookup.FindListeners(IPAddress.IPv6Loopback, port));
        Assert.Equal(Environment.ProcessId, found.ProcessId);
        Assert.Empty(PortOwnerLookup.FindListeners(IPAddress.Loopback, port));
    }

    [Fact]
    public void A_free_port_has_no_listener()
    {
        var port = FreePort.Next();

        Assert.Empty(PortOwnerLookup.FindListeners(IPAddress.Loopback, port));
        Assert.Null(PortOwnerLookup.FindListener(new Uri($"http://127.0.0.1:{port}/health")));
    }

    [Fact]
    public async Task Names_a_stranger_that_holds_the_port_and_it_is_not_in_a_gateways_tree()
    {
        var port = FreePort.Next();
        var marker = "pico-test-" + Guid.NewGuid().ToString("N");
        var startInfo = new ProcessStartInfo(TestChild.ExecutablePath) { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var argument in new[] { "healthy", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["PICO_GATEWAY_TEST_MARKER"] = marker;
        using var stranger = Process.Start(startInfo)!;
        EscapeeRun? run = null;
        try
        {
            Assert.StartsWith("READY", await stranger.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));

            var found = PortOwnerLookup.FindListener(new Uri($"http://127.0.0.1:{port}/health"));

            Assert.NotNull(found);
            Assert.Equal(stranger.Id, found.ProcessId);
            Assert.Contains("healthy --port", found.CommandLine, StringComparison.Ordinal);
            Assert.Equal($"pid {stranger.Id} ({found.CommandLine})", found.DescribeOwner());

            // A gateway of our own, in the strongest mode here: the stranger is not in its tree.
            (run, var escapee) = await EscapeeRun.StartAsync(new UnixProcessLauncher(), "plain");
            Assert.False(run.Process.IsInTree(stranger.Id));
            Assert.True(run.Process.IsInTree(escapee.Pid));
            Assert.True(run.Process.IsInTree(run.Process.Id));
        }
        finally
        {
            run?.Dispose();
            TestCleanup.KillMarked(marker);
            await stranger.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task The_gateway_listening_on_its_port_is_in_its_own_tree()
    {
        var port = FreePort.Next();
        await using var gateway = new RealGateway("healthy", port: port);
        var started = await gateway.Manager.StartAsync();
        await gateway.Recorder.WaitForStatusAsync(GatewayStatus.Running);

        var found = PortOwnerLookup.FindListener(new Uri(gateway.Options.HealthCheckUrl));

        Assert.NotNull(found);
        Assert.Equal(started.ProcessId, found.ProcessId);
    }
}
