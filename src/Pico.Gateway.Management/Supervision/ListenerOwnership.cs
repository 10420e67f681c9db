using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// Tells, for one run, whether the socket that answered a probe belongs to the gateway's own tree (issue 9, port holders): a stranger
/// listening on the health port must never make the gateway look healthy. Cheap first: the kernel's list of listeners on the probed
/// port (sock_diag) gives each socket's inode and the cgroup it was created in; a socket made in the run's cgroup is the gateway's
/// outright. Otherwise the inode is looked for among the descriptors of the tree's processes that can be listed without a scan (a
/// cgroup's members, the leader and its descendants). Only when none holds it are all processes scanned, to find a holder the tree
/// still claims (a daemon that carries the run's cookie) or to name the stranger. The verdict is kept per socket inode: while the
/// same socket listens, asking again reads the listener list only.
/// </summary>
internal sealed class ListenerOwnership
{
    private readonly Lock _gate = new();
    private long[] _inodes = [];
    private ListenerVerdict _verdict = ListenerVerdict.Unchecked;

    /// <summary>The verdict on whatever listens at <paramref name="endpoint"/> now, from the cache when it is the same socket.</summary>
    public ListenerVerdict Judge(IGatewayProcess process, Uri endpoint, IPortListeners listeners)
    {
        var sockets = listeners.ListeningSockets(endpoint);
        if (sockets.Count == 0)
        {
            // Nothing listens there that this host can see (a remote host, another network namespace, not Linux, or the listener
            // closed since it answered): there is nothing to hold against the answer.
            return ListenerVerdict.Unchecked;
        }

        var inodes = new long[sockets.Count];
        for (var i = 0; i < inodes.Length; i++)
        {
            inodes[i] = sockets[i].Inode;
        }

        lock (_gate)
        {
            if (inodes.AsSpan().SequenceEqual(_inodes))
            {
                return _verdict;
            }
        }

        var verdict = Decide(process, sockets, listeners);
        lock (_gate)
        {
            _inodes = inodes;
            _verdict = verdict;
        }

        return verdict;
    }

    internal static ListenerVerdict Decide(IGatewayProcess process, IReadOnlyList<ListeningSocket> sockets, IPortListeners listeners)
    {
        foreach (var socket in sockets)
        {
            // Created in the run's cgroup: only the gateway's tree can be there, and no descriptor needs reading.
            if (socket.CgroupId != 0 && process.OwnsCgroupId(socket.CgroupId))
            {
                return ListenerVerdict.Own;
            }
        }

        var inodes = sockets.Select(socket => socket.Inode).ToHashSet();
        foreach (var pid in process.ListTreeWithoutScan())
        {
            if (listeners.HoldsAny(pid, inodes))
            {
                return ListenerVerdict.Own;
            }
        }

        // The slow path, once per socket: a holder outside the cheap list may still be the tree's (a daemon with the run's cookie,
        // a group member whose parent exited). One of the tree's holders is enough: a socket may be shared (SO_REUSEPORT, handed on).
        var holders = listeners.FindHolders(inodes);
        if (holders.Any(process.IsInTree))
        {
            return ListenerVerdict.Own;
        }

        if (holders is [var stranger, ..])
        {
            return ListenerVerdict.HeldBy(listeners.CommandLineOf(stranger) is { Length: > 0 } commandLine ? $"pid {stranger}: {commandLine}" : $"pid {stranger}");
        }

        // Listening, yet no descriptor this host may read holds it: another user's process, which the gateway cannot have started.
        return ListenerVerdict.HeldBy($"a process this host cannot see, socket inode {inodes.Min()}");
    }
}
