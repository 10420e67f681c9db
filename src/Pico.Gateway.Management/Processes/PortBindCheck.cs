using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Pico.Gateway.Management.Processes;

/// <summary>
/// Tells a free port from a possibly held one by binding to it (Linux), in microseconds where reading /proc/net/tcp and tcp6 costs
/// 1-10 ms (the kernel formats every socket of the machine). With SO_REUSEADDR, and without SO_REUSEPORT, a bind fails only while
/// a socket listens on the port at that address or a wildcard, or another socket without SO_REUSEADDR is bound there; a TIME_WAIT
/// leftover does not count. Success means nothing listens: the socket is closed at once, never having listened or connected.
/// </summary>
internal static class PortBindCheck
{
    /// <summary>
    /// True when nothing can be listening on <paramref name="port"/> at <paramref name="address"/> (the bind succeeded, or the
    /// address is not one of this machine's); false when it may be held (or the check cannot tell: a privileged port, another
    /// error, or not Linux), which only /proc can settle.
    /// </summary>
    public static unsafe bool IsFree(IPAddress address, int port)
    {
        if (!OperatingSystem.IsLinux() || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            // A wildcard target means "any listener at all": the table answers that.
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var v6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var socketAddress = stackalloc byte[28];
        new Span<byte>(socketAddress, 28).Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(new Span<byte>(socketAddress, 2), (ushort)(v6 ? LibC.AF_INET6 : LibC.AF_INET));
        BinaryPrimitives.WriteUInt16BigEndian(new Span<byte>(socketAddress + 2, 2), (ushort)port);
        if (v6)
        {
            // sockaddr_in6: family, port, flow info, the address, the scope id.
            _ = address.TryWriteBytes(new Span<byte>(socketAddress + 8, 16), out _);
            BinaryPrimitives.WriteUInt32LittleEndian(new Span<byte>(socketAddress + 24, 4), (uint)address.ScopeId);
        }
        else
        {
            _ = address.TryWriteBytes(new Span<byte>(socketAddress + 4, 4), out _);
        }

        var fd = LibC.socket(v6 ? LibC.AF_INET6 : LibC.AF_INET, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            return false;
        }

        try
        {
            var on = 1;
            if (LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_REUSEADDR, &on, sizeof(int)) != 0)
            {
                return false;
            }

            if (LibC.bind(fd, socketAddress, v6 ? 28u : 16u) == 0)
            {
                return true;
            }

            // Not an address of this machine (::1 without IPv6 configured): nothing can listen there either.
            return Marshal.GetLastPInvokeError() == LibC.EADDRNOTAVAIL;
        }
        finally
        {
            _ = LibC.close(fd);
        }
    }
}
