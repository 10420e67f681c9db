using System.Net;

namespace Pico.Gateway.Management.Processes;

/// <summary>A listening TCP socket and, when it could be found, the process that holds it.</summary>
/// <param name="LocalEndPoint">The address and port the socket listens on (a wildcard address accepts on every interface).</param>
/// <param name="Inode">The socket's inode, which links /proc/net/tcp to the descriptors in /proc/&lt;pid&gt;/fd.</param>
/// <param name="ProcessId">The pid of a process holding the socket, or null if none could be read (another user's process).</param>
/// <param name="CommandLine">That process's command line, arguments separated by spaces.</param>
internal sealed record PortListener(IPEndPoint LocalEndPoint, long Inode, int? ProcessId, string? CommandLine)
{
    /// <summary>Says who holds the port, for an error message: <c>pid 1234 (/usr/bin/picoclaw gateway)</c>.</summary>
    public string DescribeOwner() => ProcessId switch
    {
        null => $"a process this host cannot see (socket inode {Inode})",
        { } pid when string.IsNullOrEmpty(CommandLine) => $"pid {pid}",
        { } pid => $"pid {pid} ({CommandLine})",
    };
}
