using System.Net;
using System.Net.Sockets;
using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Tests.Containment;

/// <summary>The held-port check's fast path: a bind tells a free port at once, and never calls a port free that something listens on.</summary>
public sealed class PortBindCheckTests
{
    [Fact]
    public void A_free_port_is_free_and_stays_free_after_the_check()
    {
        var port = FreePort.Next();

        Assert.True(PortBindCheck.IsFree(IPAddress.Loopback, port));

        // The check's socket is gone: the port can be listened on at once.
        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
    }

    [Fact]
    public void A_port_listened_on_at_the_address_or_a_wildcard_is_not_free()
    {
        using var loopback = new TcpListener(IPAddress.Loopback, 0);
        loopback.Start();
        using var wildcard = new TcpListener(IPAddress.Any, 0);
        wildcard.Start();

        Assert.False(PortBindCheck.IsFree(IPAddress.Loopback, ((IPEndPoint)loopback.LocalEndpoint).Port));
        Assert.False(PortBindCheck.IsFree(IPAddress.Loopback, ((IPEndPoint)wildcard.LocalEndpoint).Port));
        Assert.False(PortBindCheck.IsFree(IPAddress.Any, FreePort.Next()));
    }

    [Fact]
    public void A_listener_that_allows_address_reuse_still_holds_its_port()
    {
        // The BCL's ReuseAddress sets SO_REUSEPORT too on Linux; the check's bind must not join such a listener.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen();
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;

        Assert.False(PortBindCheck.IsFree(IPAddress.Loopback, port));
        Assert.Equal(Environment.ProcessId, PortOwnerLookup.FindListener(new Uri($"http://127.0.0.1:{port}/health"))?.ProcessId);
    }

    [Fact]
    public void A_port_bound_but_not_listened_on_has_no_listener()
    {
        // Whether the bind shows it free depends on the socket's own options; either way nothing listens there.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;

        Assert.Null(PortOwnerLookup.FindListener(new Uri($"http://127.0.0.1:{port}/health")));
    }
}
