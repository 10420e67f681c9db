namespace Pico.Gateway.Management.Processes;

/// <summary>What the probe-side port check reads about listening sockets and their holders: sock_diag and /proc on Linux, a fake in tests.</summary>
internal interface IPortListeners
{
    /// <summary>The sockets listening where a connection to <paramref name="endpoint"/> would go; empty when none can be seen.</summary>
    IReadOnlyList<ListeningSocket> ListeningSockets(Uri endpoint);

    /// <summary>Whether <paramref name="pid"/> holds one of the sockets <paramref name="inodes"/>.</summary>
    bool HoldsAny(int pid, IReadOnlySet<long> inodes);

    /// <summary>Every process holding one of <paramref name="inodes"/> (a scan of all processes: the slow path).</summary>
    IReadOnlyList<int> FindHolders(IReadOnlySet<long> inodes);

    /// <summary>The command line of <paramref name="pid"/>, or null.</summary>
    string? CommandLineOf(int pid);
}
