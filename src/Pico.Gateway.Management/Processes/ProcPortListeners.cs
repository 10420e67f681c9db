namespace Pico.Gateway.Management.Processes;

/// <summary>The listening sockets and their holders as the kernel lists them (sock_diag, else /proc/net/tcp) and /proc shows their holders (Linux); elsewhere no socket is ever seen, so nothing is checked.</summary>
internal sealed class ProcPortListeners : IPortListeners
{
    public static readonly ProcPortListeners Instance = new();

    public IReadOnlyList<ListeningSocket> ListeningSockets(Uri endpoint) => PortOwnerLookup.FindListeningSockets(endpoint);

    public bool HoldsAny(int pid, IReadOnlySet<long> inodes) => PortOwnerLookup.HoldsAny(pid, inodes);

    public IReadOnlyList<int> FindHolders(IReadOnlySet<long> inodes) => PortOwnerLookup.FindHolders(inodes);

    public string? CommandLineOf(int pid) => PortOwnerLookup.ReadCommandLine(pid);
}
