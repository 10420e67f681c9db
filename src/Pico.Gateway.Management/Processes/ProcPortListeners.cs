namespace Pico.Gateway.Management.Processes;

/// <summary>The listening sockets and their holders as /proc shows them (Linux); elsewhere no socket is ever seen, so nothing is checked.</summary>
internal sealed class ProcPortListeners : IPortListeners
{
    public static readonly ProcPortListeners Instance = new();

    public IReadOnlyList<long> ListeningInodes(Uri endpoint) => PortOwnerLookup.FindListeningInodes(endpoint);

    public bool HoldsAny(int pid, IReadOnlySet<long> inodes) => PortOwnerLookup.HoldsAny(pid, inodes);

    public IReadOnlyList<int> FindHolders(IReadOnlySet<long> inodes) => PortOwnerLookup.FindHolders(inodes);

    public string? CommandLineOf(int pid) => PortOwnerLookup.ReadCommandLine(pid);
}
