using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Processes.Containment;
using Xunit.Abstractions;

namespace Pico.Gateway.Management.Tests.Containment;

/// <summary>
/// The listener list the probe-side port check reads from the kernel's sock_diag netlink interface: replies built byte by byte for
/// the parser, and a real listening socket, held against /proc/net/tcp's answer and against the cgroup the test host runs in.
/// </summary>
public sealed class SockDiagTests(ITestOutputHelper output)
{
    private const ushort SockDiagByFamily = 20;
    private const ushort NlmsgError = 2;
    private const ushort NlmsgDone = 3;

    [Fact]
    public void The_request_asks_for_a_dump_of_the_listening_tcp_sockets_of_one_family()
    {
        var request = new byte[72];

        SockDiag.WriteRequest(request, LibC.AF_INET6);

        Assert.Equal(72u, BitConverter.ToUInt32(request, 0));
        Assert.Equal(SockDiagByFamily, BitConverter.ToUInt16(request, 4));
        Assert.Equal(0x301, BitConverter.ToUInt16(request, 6));
        Assert.Equal([LibC.AF_INET6, 6, 0, 0], request[16..20]);
        Assert.Equal(1u << 10, BitConverter.ToUInt32(request, 20));
    }

    [Fact]
    public void A_multipart_reply_yields_the_listeners_on_the_port_until_done()
    {
        var found = new List<ListeningSocket>();
        var first = Concat(
            Message(SockDiagByFamily, Diag(LibC.AF_INET, 8080, [127, 0, 0, 1], inode: 501, uid: 1000, cgroupId: 4242)),
            Message(SockDiagByFamily, Diag(LibC.AF_INET, 9090, [0, 0, 0, 0], inode: 502, uid: 0, cgroupId: 1)));
        var last = Concat(
            Message(SockDiagByFamily, Diag(LibC.AF_INET, 8080, [0, 0, 0, 0], inode: 503, uid: 0, cgroupId: null)),
            Message(NlmsgDone, BitConverter.GetBytes(0)));

        var afterFirst = SockDiag.ParseReply(first, 8080, found);
        var afterLast = SockDiag.ParseReply(last, 8080, found);

        Assert.Equal((SockDiag.ReplyStatus.More, SockDiag.ReplyStatus.Done), (afterFirst, afterLast));
        Assert.Equal(
            [
                new ListeningSocket(new IPEndPoint(IPAddress.Loopback, 8080), 501, 4242, 1000),
                new ListeningSocket(new IPEndPoint(IPAddress.Any, 8080), 503, 0, 0),
            ],
            found);
    }

    [Fact]
    public void A_v6_row_keeps_its_sixteen_byte_address_and_its_cgroup_after_other_attributes()
    {
        var found = new List<ListeningSocket>();
        var reply = Concat(
            Message(SockDiagByFamily, Diag(LibC.AF_INET6, 18790, IPAddress.IPv6Loopback.GetAddressBytes(), inode: 77, uid: 1000, cgroupId: 0x1_0000_0002, otherAttribute: true)),
            Message(NlmsgDone, BitConverter.GetBytes(0)));

        Assert.Equal(SockDiag.ReplyStatus.Done, SockDiag.ParseReply(reply, 18790, found));
        Assert.Equal(new ListeningSocket(new IPEndPoint(IPAddress.IPv6Loopback, 18790), 77, 0x1_0000_0002, 1000), Assert.Single(found));
    }

    [Fact]
    public void An_error_message_fails_the_dump_and_an_acknowledgement_does_not()
    {
        var found = new List<ListeningSocket>();
        var error = Message(NlmsgError, Concat(BitConverter.GetBytes(-2), new byte[16]));
        var acknowledged = Concat(Message(NlmsgError, Concat(BitConverter.GetBytes(0), new byte[16])), Message(NlmsgDone, BitConverter.GetBytes(0)));
        var stoppedShort = Message(NlmsgDone, BitConverter.GetBytes(-4));
        var truncated = Message(SockDiagByFamily, Diag(LibC.AF_INET, 8080, [127, 0, 0, 1], inode: 1, uid: 0, cgroupId: null))[..40];

        Assert.Equal(SockDiag.ReplyStatus.Failed, SockDiag.ParseReply(error, 8080, found));
        Assert.Equal(SockDiag.ReplyStatus.Done, SockDiag.ParseReply(acknowledged, 8080, found));
        Assert.Equal(SockDiag.ReplyStatus.Failed, SockDiag.ParseReply(stoppedShort, 8080, found));
        Assert.Equal(SockDiag.ReplyStatus.Failed, SockDiag.ParseReply(truncated, 8080, found));
        Assert.Empty(found);
    }

    [Fact]
    public void A_real_listener_is_found_with_the_inode_proc_net_tcp_shows_and_the_cgroup_the_host_runs_in()
    {
        if (!OperatingSystem.IsLinux())
        {
            output.WriteLine("sock_diag is Linux only");
            return;
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var found = new List<ListeningSocket>();
        Assert.True(SockDiag.TryFindListeners(port, found), "sock_diag could not be used on this Linux host");

        var socket = Assert.Single(found);
        var fromProc = Assert.Single(PortOwnerLookup.ReadProcTables(port));
        Assert.Equal((fromProc.EndPoint, fromProc.Inode), (socket.EndPoint, socket.Inode));
        Assert.Equal(found, PortOwnerLookup.FindListeningSockets(new Uri($"http://127.0.0.1:{port}/")));

        if (!CgroupHierarchy.TryFindOwnCgroup(out var own, out var reason))
        {
            output.WriteLine($"the socket's cgroup not checked: {reason}");
            return;
        }

        Assert.Equal(CgroupDirectory.IdOf(own), socket.CgroupId);
        Assert.NotEqual(0UL, socket.CgroupId);
    }

    private static byte[] Diag(byte family, ushort port, byte[] address, uint inode, uint uid, ulong? cgroupId, bool otherAttribute = false)
    {
        var message = new byte[72];
        message[0] = family;
        message[1] = 10;
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(4), port);
        address.CopyTo(message, 8);
        BitConverter.TryWriteBytes(message.AsSpan(64), uid);
        BitConverter.TryWriteBytes(message.AsSpan(68), inode);
        if (otherAttribute)
        {
            // INET_DIAG_SHUTDOWN, one byte padded to four, as the kernel sends it before the cgroup id.
            message = Concat(message, Attribute(8, [0]));
        }

        return cgroupId is { } id ? Concat(message, Attribute(21, BitConverter.GetBytes(id))) : message;
    }

    private static byte[] Attribute(ushort type, byte[] data)
    {
        var attribute = new byte[(4 + data.Length + 3) & ~3];
        BitConverter.TryWriteBytes(attribute.AsSpan(0), (ushort)(4 + data.Length));
        BitConverter.TryWriteBytes(attribute.AsSpan(2), type);
        data.CopyTo(attribute, 4);
        return attribute;
    }

    private static byte[] Message(ushort type, byte[] payload)
    {
        var message = new byte[(16 + payload.Length + 3) & ~3];
        BitConverter.TryWriteBytes(message.AsSpan(0), (uint)(16 + payload.Length));
        BitConverter.TryWriteBytes(message.AsSpan(4), type);
        BitConverter.TryWriteBytes(message.AsSpan(6), (ushort)0x2);
        payload.CopyTo(message, 16);
        return message;
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(part => part)];
}
