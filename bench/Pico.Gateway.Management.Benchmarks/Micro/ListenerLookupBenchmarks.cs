using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Processes.Containment;
using Pico.Gateway.Management.Supervision;

namespace Pico.Gateway.Management.Benchmarks.Micro;

/// <summary>
/// The probe-side port check (issue 9) on one listener this process holds, as it runs between the first healthy answer and the
/// running event: the listener list from /proc/net/tcp (before) or sock_diag (after), then the descriptors of the tree's leader, or,
/// in cgroup containment, the socket's cgroup id alone. What /proc/net/tcp costs grows with the kernel's established hash size.
/// </summary>
public class ListenerLookupBenchmarks
{
    private TcpListener _listener = null!;
    private Uri _endpoint = null!;
    private int _port;
    private SelfTree _plain = null!;
    private SelfTree _cgroup = null!;

    [GlobalSetup]
    public void Setup()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _endpoint = new Uri($"http://127.0.0.1:{_port}/health");
        _plain = new SelfTree(0);
        _cgroup = new SelfTree(CgroupHierarchy.TryFindOwnCgroup(out var own, out _) ? CgroupDirectory.IdOf(own) : 0);
    }

    [GlobalCleanup]
    public void Cleanup() => _listener.Dispose();

    /// <summary>What the check did before: the LISTEN rows of /proc/net/tcp and tcp6, then the leader's descriptors.</summary>
    [Benchmark(Baseline = true)]
    public bool ProcTablesThenDescriptors()
    {
        var inodes = PortOwnerLookup.ReadProcTables(_port).Select(socket => socket.Inode).ToHashSet();
        return PortOwnerLookup.HoldsAny(Environment.ProcessId, inodes);
    }

    /// <summary>The listener list alone, from sock_diag.</summary>
    [Benchmark]
    public int SockDiagList() => PortOwnerLookup.FindListeningSockets(_endpoint).Count;

    /// <summary>The check now, outside cgroup containment: sock_diag, then the leader's descriptors.</summary>
    [Benchmark]
    public bool SockDiagThenDescriptors() => ListenerOwnership.Decide(_plain, PortOwnerLookup.FindListeningSockets(_endpoint), ProcPortListeners.Instance).Counts;

    /// <summary>The check now in cgroup containment: sock_diag, and the socket's cgroup id is the run's.</summary>
    [Benchmark]
    public bool SockDiagCgroupId() => ListenerOwnership.Decide(_cgroup, PortOwnerLookup.FindListeningSockets(_endpoint), ProcPortListeners.Instance).Counts;

    /// <summary>This process as the gateway's tree: the leader alone, in the cgroup <paramref name="cgroupId"/> (0: none).</summary>
    private sealed class SelfTree(ulong cgroupId) : IGatewayProcess
    {
        public int Id => Environment.ProcessId;

        public Task<GatewayProcessExit> Exited { get; } = new TaskCompletionSource<GatewayProcessExit>().Task;

        public Task OutputClosed => Task.CompletedTask;

        public Task OutputCompleted => Task.CompletedTask;

        public bool OwnsCgroupId(ulong id) => id != 0 && id == cgroupId;

        public void SignalTerminate()
        {
        }

        public void Kill()
        {
        }

        public void Dispose()
        {
        }
    }
}
