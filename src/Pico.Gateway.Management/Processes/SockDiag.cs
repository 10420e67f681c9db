using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;

namespace Pico.Gateway.Management.Processes;

/// <summary>
/// The listening TCP sockets as the kernel's sock_diag netlink interface reports them (Linux). Asking for the LISTEN state alone
/// makes the kernel walk only its listening hash, which costs microseconds; /proc/net/tcp makes it format every bucket of the
/// established hash (262,144 of them on a large host), 12-19 ms of CPU per read. Each socket comes with its inode and, on 5.7+,
/// the id of the cgroup v2 it was created in.
/// </summary>
internal static class SockDiag
{
    private const ushort SOCK_DIAG_BY_FAMILY = 20;
    private const ushort NLM_F_REQUEST = 0x1;
    private const ushort NLM_F_DUMP = 0x300;
    private const ushort NLMSG_ERROR = 2;
    private const ushort NLMSG_DONE = 3;
    private const byte IPPROTO_TCP = 6;
    private const int TCP_LISTEN = 10;
    private const ushort INET_DIAG_CGROUP_ID = 21;
    private const int HeaderSize = 16;
    private const int RequestSize = HeaderSize + 56;
    private const int DiagMessageSize = 72;

    // The kernel sizes a dump's messages to the largest read it has seen, at most 32 KiB: a read this large is never truncated.
    private const int ReplyBufferSize = 32 * 1024;

    private static volatile bool _unavailable = !OperatingSystem.IsLinux();

    /// <summary>What one reply datagram said.</summary>
    internal enum ReplyStatus
    {
        /// <summary>More datagrams follow.</summary>
        More,

        /// <summary>NLMSG_DONE: the dump is complete.</summary>
        Done,

        /// <summary>NLMSG_ERROR with an error, or a malformed reply: the dump cannot be trusted.</summary>
        Failed,
    }

    /// <summary>
    /// Adds the sockets listening on <paramref name="port"/> (either family) to <paramref name="into"/>. False when sock_diag cannot
    /// be used (not Linux, no netlink, refused); <paramref name="into"/> is then left as it was, for the caller to read /proc instead.
    /// </summary>
    public static bool TryFindListeners(int port, List<ListeningSocket> into)
    {
        if (_unavailable)
        {
            return false;
        }

        var fd = LibC.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.NETLINK_SOCK_DIAG);
        if (fd < 0)
        {
            if (Marshal.GetLastPInvokeError() is LibC.EPROTONOSUPPORT or LibC.EAFNOSUPPORT or LibC.EACCES)
            {
                // The kernel has no sock_diag or the host may not use it: it will not change while the host runs.
                _unavailable = true;
            }

            return false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(ReplyBufferSize);
        var count = into.Count;
        try
        {
            if (Dump(fd, LibC.AF_INET, port, buffer, into) && Dump(fd, LibC.AF_INET6, port, buffer, into))
            {
                return true;
            }

            into.RemoveRange(count, into.Count - count);
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _ = LibC.close(fd);
        }
    }

    /// <summary>
    /// Parses one reply datagram: the inet_diag_msg of every socket listening on <paramref name="port"/> goes to
    /// <paramref name="into"/>, others are skipped.
    /// </summary>
    internal static ReplyStatus ParseReply(ReadOnlySpan<byte> reply, int port, List<ListeningSocket> into)
    {
        while (reply.Length >= HeaderSize)
        {
            var length = (int)Math.Min(ReadUInt32(reply), int.MaxValue);
            var type = ReadUInt16(reply[4..]);
            if (length < HeaderSize || length > reply.Length)
            {
                return ReplyStatus.Failed;
            }

            var payload = reply[HeaderSize..length];
            switch (type)
            {
                case NLMSG_DONE:
                    // Its payload, where present, is the dump's result: 0, or a negative errno when it stopped short.
                    return payload.Length >= 4 && ReadInt32(payload) < 0 ? ReplyStatus.Failed : ReplyStatus.Done;
                case NLMSG_ERROR:
                    // An error of 0 is an acknowledgement; anything else (ENOENT without tcp_diag, EINVAL) ends the dump.
                    if (payload.Length < 4 || ReadInt32(payload) != 0)
                    {
                        return ReplyStatus.Failed;
                    }

                    break;
                case SOCK_DIAG_BY_FAMILY:
                    if (payload.Length < DiagMessageSize)
                    {
                        return ReplyStatus.Failed;
                    }

                    if (ParseSocket(payload, port) is { } socket)
                    {
                        into.Add(socket);
                    }

                    break;
            }

            reply = reply[Math.Min(Align(length), reply.Length)..];
        }

        return ReplyStatus.More;
    }

    /// <summary>Writes the dump request for <paramref name="family"/>'s listening TCP sockets; <paramref name="request"/> is <see cref="RequestSize"/> bytes.</summary>
    internal static void WriteRequest(Span<byte> request, int family)
    {
        request.Clear();
        WriteUInt32(request, (uint)RequestSize);
        WriteUInt16(request[4..], SOCK_DIAG_BY_FAMILY);
        WriteUInt16(request[6..], NLM_F_REQUEST | NLM_F_DUMP);

        // inet_diag_req_v2: sdiag_family, sdiag_protocol, idiag_ext, pad, idiag_states, then an empty inet_diag_sockid.
        request[HeaderSize] = (byte)family;
        request[HeaderSize + 1] = IPPROTO_TCP;
        WriteUInt32(request[(HeaderSize + 4)..], 1u << TCP_LISTEN);
    }

    private static unsafe bool Dump(int fd, int family, int port, byte[] buffer, List<ListeningSocket> into)
    {
        Span<byte> request = stackalloc byte[RequestSize];
        WriteRequest(request, family);
        fixed (byte* sent = request)
        {
            nint result;
            do
            {
                result = LibC.send(fd, sent, RequestSize, 0);
            }
            while (result < 0 && Marshal.GetLastPInvokeError() == LibC.EINTR);

            if (result != RequestSize)
            {
                return false;
            }
        }

        fixed (byte* received = buffer)
        {
            while (true)
            {
                nint count;
                do
                {
                    // MSG_TRUNC makes recv return the datagram's real length, so a truncated one is seen and not half-parsed.
                    count = LibC.recv(fd, received, ReplyBufferSize, LibC.MSG_TRUNC);
                }
                while (count < 0 && Marshal.GetLastPInvokeError() == LibC.EINTR);

                if (count <= 0 || count > ReplyBufferSize)
                {
                    return false;
                }

                switch (ParseReply(buffer.AsSpan(0, (int)count), port, into))
                {
                    case ReplyStatus.Done:
                        return true;
                    case ReplyStatus.Failed:
                        return false;
                }
            }
        }
    }

    private static ListeningSocket? ParseSocket(ReadOnlySpan<byte> message, int port)
    {
        // inet_diag_msg: family (0), state (1), id.sport big-endian (4), id.src (8, 16 bytes), idiag_uid (64), idiag_inode (68).
        var family = message[0];
        if (message[1] != TCP_LISTEN || BinaryPrimitives.ReadUInt16BigEndian(message[4..]) != port
            || family is not (LibC.AF_INET or LibC.AF_INET6))
        {
            return null;
        }

        var address = new IPAddress(message.Slice(8, family == LibC.AF_INET ? 4 : 16));
        var uid = ReadUInt32(message[64..]);
        var inode = ReadUInt32(message[68..]);
        ulong cgroupId = 0;
        var attributes = message[DiagMessageSize..];
        while (attributes.Length >= 4)
        {
            var length = ReadUInt16(attributes);
            if (length < 4 || length > attributes.Length)
            {
                break;
            }

            if (ReadUInt16(attributes[2..]) == INET_DIAG_CGROUP_ID && length >= 12)
            {
                cgroupId = MemoryMarshal.Read<ulong>(attributes[4..]);
            }

            attributes = attributes[Math.Min(Align(length), attributes.Length)..];
        }

        return new ListeningSocket(new IPEndPoint(address, port), inode, cgroupId, uid);
    }

    private static int Align(int length) => (length + 3) & ~3;

    // Netlink headers and attributes are in the host's byte order.
    private static ushort ReadUInt16(ReadOnlySpan<byte> bytes) => MemoryMarshal.Read<ushort>(bytes);

    private static uint ReadUInt32(ReadOnlySpan<byte> bytes) => MemoryMarshal.Read<uint>(bytes);

    private static int ReadInt32(ReadOnlySpan<byte> bytes) => MemoryMarshal.Read<int>(bytes);

    private static void WriteUInt16(Span<byte> bytes, ushort value) => MemoryMarshal.Write(bytes, in value);

    private static void WriteUInt32(Span<byte> bytes, uint value) => MemoryMarshal.Write(bytes, in value);
}
