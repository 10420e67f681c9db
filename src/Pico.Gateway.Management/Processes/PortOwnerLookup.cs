using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Pico.Gateway.Management.Processes;

/// <summary>
/// Finds which process listens on a TCP port (Linux): the listening socket's inode from the kernel's sock_diag netlink interface
/// (/proc/net/tcp and /proc/net/tcp6 where that cannot be used), then the process whose descriptors include <c>socket:[inode]</c>. Before a spawn it names the stranger that would make the gateway fail
/// to bind; while probing it tells whether a healthy answer came from the gateway's own tree. Elsewhere it finds nothing. A port
/// that a bind shows free (<see cref="PortBindCheck"/>) is not looked up.
/// </summary>
internal static class PortOwnerLookup
{
    private const string ListenState = "0A";

    /// <summary>The listener a connection to <paramref name="url"/>'s host and port would reach, or null if nothing listens there.</summary>
    public static PortListener? FindListener(Uri url)
    {
        foreach (var address in AddressesOf(url))
        {
            // Almost always the port is free, which a bind tells at once; only a port that may be held costs a look at the listeners.
            if (!PortBindCheck.IsFree(address, url.Port) && FindListeners(address, url.Port) is [var first, ..])
            {
                return first;
            }
        }

        return null;
    }

    /// <summary>
    /// The sockets listening on <paramref name="port"/> that accept connections to <paramref name="address"/>: those bound to it,
    /// and those bound to a wildcard address (an IPv6 wildcard accepts IPv4 too unless the socket is IPv6-only, which /proc does not
    /// show). An <see cref="IPAddress.Any"/> or <see cref="IPAddress.IPv6Any"/> <paramref name="address"/> matches every listener.
    /// </summary>
    public static IReadOnlyList<PortListener> FindListeners(IPAddress address, int port)
    {
        var sockets = ListeningSockets(address, port);
        if (sockets.Count == 0)
        {
            return [];
        }

        var owners = FindOwners([.. sockets.Select(socket => socket.Inode)]);
        return [.. sockets.Select(socket => owners.TryGetValue(socket.Inode, out var pid)
            ? new PortListener(socket.EndPoint, socket.Inode, pid, ReadCommandLine(pid))
            : new PortListener(socket.EndPoint, socket.Inode, null, null))];
    }

    /// <summary>
    /// The sockets a connection to <paramref name="url"/>'s host and port would reach, as the kernel lists them (sock_diag, else
    /// /proc/net/tcp and tcp6): no process's descriptors are read. Empty for a host that is not loopback or an address literal.
    /// </summary>
    public static IReadOnlyList<ListeningSocket> FindListeningSockets(Uri url)
    {
        var addresses = AddressesOf(url);
        if (addresses.Length == 0)
        {
            return [];
        }

        // One look at the kernel's list serves every address the host name stands for.
        var onPort = ListenersOn(url.Port);
        foreach (var address in addresses)
        {
            if (onPort.FindAll(socket => Accepts(socket.EndPoint.Address, address)) is { Count: > 0 } sockets)
            {
                return sockets;
            }
        }

        return [];
    }

    /// <summary>Whether one of <paramref name="pid"/>'s descriptors is one of the sockets <paramref name="inodes"/>.</summary>
    public static bool HoldsAny(int pid, IReadOnlySet<long> inodes) => SocketInodesOf(pid).Any(inodes.Contains);

    /// <summary>Every process (this host may read the descriptors of) holding one of <paramref name="inodes"/>: a scan of all of /proc.</summary>
    public static IReadOnlyList<int> FindHolders(IReadOnlySet<long> inodes)
    {
        var holders = new List<int>();
        foreach (var pid in ProcessIds())
        {
            if (HoldsAny(pid, inodes))
            {
                holders.Add(pid);
            }
        }

        return holders;
    }

    private static IPAddress[] AddressesOf(Uri url) =>
        url.IsLoopback && !IPAddress.TryParse(url.DnsSafeHost, out _)
            ? [IPAddress.Loopback, IPAddress.IPv6Loopback]
            : IPAddress.TryParse(url.DnsSafeHost, out var parsed) ? [parsed] : [];

    private static List<ListeningSocket> ListeningSockets(IPAddress address, int port) =>
        ListenersOn(port).FindAll(socket => Accepts(socket.EndPoint.Address, address));

    /// <summary>Every socket listening on <paramref name="port"/>, whatever its address.</summary>
    private static List<ListeningSocket> ListenersOn(int port)
    {
        var sockets = new List<ListeningSocket>();
        if (!SockDiag.TryFindListeners(port, sockets))
        {
            ReadProcTables(port, sockets);
        }

        return sockets;
    }

    /// <summary>The fallback where sock_diag cannot be used: the LISTEN rows of /proc/net/tcp and tcp6 (costly on a busy host).</summary>
    private static void ReadProcTables(int port, List<ListeningSocket> into)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            string text;
            try
            {
                text = File.ReadAllText(table);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var (endPoint, inode) in ParseListeners(text))
            {
                if (endPoint.Port == port)
                {
                    into.Add(new ListeningSocket(endPoint, inode, CgroupId: 0, Uid: 0));
                }
            }
        }
    }

    /// <summary>The listening sockets on <paramref name="port"/> as /proc/net/tcp and tcp6 show them, for tests to hold sock_diag's answer against.</summary>
    internal static List<ListeningSocket> ReadProcTables(int port)
    {
        var sockets = new List<ListeningSocket>();
        ReadProcTables(port, sockets);
        return sockets;
    }

    /// <summary>Parses the listening sockets of a /proc/net/tcp or tcp6 table.</summary>
    internal static IEnumerable<(IPEndPoint EndPoint, long Inode)> ParseListeners(string table)
    {
        foreach (var line in table.Split('\n').Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 10 || fields[3] != ListenState
                || !long.TryParse(fields[9], NumberStyles.None, CultureInfo.InvariantCulture, out var inode)
                || ParseEndPoint(fields[1]) is not { } endPoint)
            {
                continue;
            }

            yield return (endPoint, inode);
        }
    }

    private static IPEndPoint? ParseEndPoint(string field)
    {
        var colon = field.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !int.TryParse(field.AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var port))
        {
            return null;
        }

        // The address is printed as 32-bit words in the kernel's byte order, each word holding four bytes of network order.
        var hex = field.AsSpan(0, colon);
        if (hex.Length is not (8 or 32))
        {
            return null;
        }

        var bytes = new byte[hex.Length / 2];
        for (var word = 0; word < hex.Length / 8; word++)
        {
            if (!uint.TryParse(hex.Slice(word * 8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value))
            {
                return null;
            }

            if (BitConverter.IsLittleEndian)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(word * 4), value);
            }
            else
            {
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(word * 4), value);
            }
        }

        return new IPEndPoint(new IPAddress(bytes), port);
    }

    private static bool Accepts(IPAddress listening, IPAddress target)
    {
        if (target.Equals(IPAddress.Any) || target.Equals(IPAddress.IPv6Any))
        {
            return true;
        }

        var listeningV4 = listening.IsIPv4MappedToIPv6 ? listening.MapToIPv4() : listening;
        var targetV4 = target.IsIPv4MappedToIPv6 ? target.MapToIPv4() : target;
        return listeningV4.Equals(targetV4)
            || listening.Equals(IPAddress.IPv6Any)
            || (listening.Equals(IPAddress.Any) && targetV4.AddressFamily == AddressFamily.InterNetwork);
    }

    private static Dictionary<long, int> FindOwners(HashSet<long> inodes)
    {
        var owners = new Dictionary<long, int>();
        foreach (var pid in ProcessIds())
        {
            foreach (var inode in SocketInodesOf(pid))
            {
                if (inodes.Contains(inode) && owners.TryAdd(inode, pid) && owners.Count == inodes.Count)
                {
                    return owners;
                }
            }
        }

        return owners;
    }

    private static IEnumerable<int> ProcessIds()
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory.AsSpan()), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                yield return pid;
            }
        }
    }

    /// <summary>The inodes of the sockets among <paramref name="pid"/>'s descriptors; none when it is gone or another user's.</summary>
    private static List<long> SocketInodesOf(int pid)
    {
        var inodes = new List<long>();
        try
        {
            foreach (var descriptor in Directory.EnumerateFileSystemEntries($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/fd"))
            {
                if (new FileInfo(descriptor).LinkTarget is { } target
                    && target.StartsWith("socket:[", StringComparison.Ordinal)
                    && long.TryParse(target.AsSpan(8, target.Length - 9), NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
                {
                    inodes.Add(inode);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Exited while we looked, or another user's process.
        }

        return inodes;
    }

    /// <summary>The command line of <paramref name="pid"/>, arguments separated by spaces; null when it cannot be read.</summary>
    public static string? ReadCommandLine(int pid)
    {
        try
        {
            var raw = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline");
            return raw.TrimEnd('\0').Replace('\0', ' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
