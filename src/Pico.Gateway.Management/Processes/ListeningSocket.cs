using System.Net;

namespace Pico.Gateway.Management.Processes;

/// <summary>A listening TCP socket as the kernel lists it (sock_diag or /proc/net/tcp), before any process's descriptors are read.</summary>
/// <param name="EndPoint">The address and port it listens on.</param>
/// <param name="Inode">Its inode, which names it among a process's descriptors (<c>socket:[inode]</c>).</param>
/// <param name="CgroupId">The id of the cgroup v2 it was created in (its directory's inode); 0 when unknown (/proc, a kernel before 5.7).</param>
/// <param name="Uid">The user that owns it.</param>
internal readonly record struct ListeningSocket(IPEndPoint EndPoint, long Inode, ulong CgroupId, uint Uid);
