using System.Net;
using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Processes.Containment;
using Pico.Gateway.Management.Supervision;

namespace Pico.Gateway.Management.Tests.Containment;

/// <summary>
/// Issue 9, port holders, the probe side with fakes: whose socket answered decides whether a healthy answer counts; the tree's
/// cheap list is looked at first, all processes only to name a stranger, and a verdict is kept while the same socket listens.
/// </summary>
public sealed class ListenerOwnershipTests
{
    private static readonly Uri Endpoint = new("http://127.0.0.1:18790/");

    [Fact]
    public void A_socket_held_by_a_process_of_the_trees_cheap_list_counts_without_a_scan()
    {
        var listeners = new FakeListeners { Inodes = [501], Holders = { [42] = [501] } };

        var verdict = new ListenerOwnership().Judge(new FakeTree(leader: 40, cheap: [40, 42]), Endpoint, listeners);

        Assert.Same(ListenerVerdict.Own, verdict);
        Assert.Equal(0, listeners.Scans);
    }

    [Fact]
    public void A_socket_created_in_the_runs_cgroup_counts_without_reading_any_descriptor()
    {
        var listeners = new FakeListeners { Inodes = [501], CgroupIds = { [501] = 7001 } };

        var verdict = new ListenerOwnership().Judge(new FakeTree(leader: 40, cheap: [40], cgroups: [7000, 7001]), Endpoint, listeners);

        Assert.Same(ListenerVerdict.Own, verdict);
        Assert.Equal((0, 0), (listeners.DescriptorReads, listeners.Scans));
    }

    [Fact]
    public void A_socket_from_another_cgroup_is_still_looked_for_among_the_descriptors()
    {
        // Created elsewhere (handed in from outside, or a kernel that reports no cgroup): the descriptors decide.
        var listeners = new FakeListeners { Inodes = [501], CgroupIds = { [501] = 1 }, Holders = { [900] = [501] } };

        var verdict = new ListenerOwnership().Judge(new FakeTree(leader: 40, cheap: [40], cgroups: [7000]), Endpoint, listeners);

        Assert.Equal("pid 900", verdict.Stranger);
        Assert.Equal((1, 1), (listeners.DescriptorReads, listeners.Scans));
    }

    [Fact]
    public void A_holder_only_the_scan_finds_counts_when_the_tree_claims_it()
    {
        // A daemon that left the group and was re-parented away, still carrying the run's cookie.
        var listeners = new FakeListeners { Inodes = [501], Holders = { [77] = [501] } };

        var verdict = new ListenerOwnership().Judge(new FakeTree(leader: 40, cheap: [40], claimed: [77]), Endpoint, listeners);

        Assert.Same(ListenerVerdict.Own, verdict);
        Assert.Equal(1, listeners.Scans);
    }

    [Fact]
    public void A_stranger_holding_the_socket_is_named_by_pid_and_command_line()
    {
        var listeners = new FakeListeners { Inodes = [501], Holders = { [900] = [501] }, CommandLines = { [900] = "nc -l 18790" } };

        var verdict = new ListenerOwnership().Judge(new FakeTree(leader: 40, cheap: [40]), Endpoint, listeners);

        Assert.False(verdict.Counts);
        Assert.Equal("pid 900: nc -l 18790", verdict.Stranger);
    }

    [Fact]
    public void A_shared_socket_counts_when_one_of_its_holders_is_the_trees()
    {
        var listeners = new FakeListeners { Inodes = [501], Holders = { [1] = [501], [77] = [501] } };

        var verdict = new ListenerOwnership().Judge(new FakeTree(leader: 40, cheap: [40], claimed: [77]), Endpoint, listeners);

        Assert.True(verdict.Counts);
    }

    [Fact]
    public void A_socket_no_readable_process_holds_is_another_users_and_does_not_count()
    {
        var listeners = new FakeListeners { Inodes = [501] };

        var verdict = new ListenerOwnership().Judge(new FakeTree(leader: 40, cheap: [40]), Endpoint, listeners);

        Assert.False(verdict.Counts);
        Assert.Equal("a process this host cannot see, socket inode 501", verdict.Stranger);
    }

    [Fact]
    public void No_listener_in_sight_leaves_the_answer_unchecked_and_reads_no_descriptor()
    {
        var listeners = new FakeListeners();

        var verdict = new ListenerOwnership().Judge(new FakeTree(leader: 40, cheap: [40]), Endpoint, listeners);

        Assert.Same(ListenerVerdict.Unchecked, verdict);
        Assert.Equal((0, 0), (listeners.DescriptorReads, listeners.Scans));
    }

    [Fact]
    public void The_verdict_is_kept_while_the_same_socket_listens_and_decided_again_for_a_new_one()
    {
        var listeners = new FakeListeners { Inodes = [501], Holders = { [900] = [501] } };
        var ownership = new ListenerOwnership();
        var tree = new FakeTree(leader: 40, cheap: [40]);

        var first = ownership.Judge(tree, Endpoint, listeners);
        var again = ownership.Judge(tree, Endpoint, listeners);
        Assert.Same(first, again);
        Assert.Equal((1, 1), (listeners.DescriptorReads, listeners.Scans));

        // The stranger went away and the gateway bound the port: another socket, judged afresh.
        listeners.Inodes = [502];
        listeners.Holders[40] = [502];
        var now = ownership.Judge(tree, Endpoint, listeners);
        Assert.Same(ListenerVerdict.Own, now);
        Assert.Equal(1, listeners.Scans);
    }

    private sealed class FakeListeners : IPortListeners
    {
        public long[] Inodes { get; set; } = [];

        public Dictionary<int, long[]> Holders { get; } = [];

        public Dictionary<int, string> CommandLines { get; } = [];

        public int DescriptorReads { get; private set; }

        public int Scans { get; private set; }

        public Dictionary<long, ulong> CgroupIds { get; } = [];

        public IReadOnlyList<ListeningSocket> ListeningSockets(Uri endpoint) =>
            [.. Inodes.Select(inode => new ListeningSocket(new IPEndPoint(IPAddress.Loopback, endpoint.Port), inode, CgroupIds.GetValueOrDefault(inode), 0))];

        public bool HoldsAny(int pid, IReadOnlySet<long> inodes)
        {
            DescriptorReads++;
            return Holders.TryGetValue(pid, out var held) && held.Any(inodes.Contains);
        }

        public IReadOnlyList<int> FindHolders(IReadOnlySet<long> inodes)
        {
            Scans++;
            return [.. Holders.Where(pair => pair.Value.Any(inodes.Contains)).Select(pair => pair.Key).Order()];
        }

        public string? CommandLineOf(int pid) => CommandLines.GetValueOrDefault(pid);
    }

    private sealed class FakeTree(int leader, int[] cheap, int[]? claimed = null, ulong[]? cgroups = null) : IGatewayProcess
    {
        public int Id => leader;

        public Task<GatewayProcessExit> Exited => new TaskCompletionSource<GatewayProcessExit>().Task;

        public Task OutputClosed => Task.CompletedTask;

        public Task OutputCompleted => Task.CompletedTask;

        public GatewayContainmentMode Containment => GatewayContainmentMode.Tracked;

        public RunContainment RunContainment => new(GatewayContainmentMode.Tracked);

        public bool IsInTree(int pid) => cheap.Contains(pid) || (claimed ?? []).Contains(pid);

        public IReadOnlyList<int> ListTreeWithoutScan() => cheap;

        public bool OwnsCgroupId(ulong cgroupId) => (cgroups ?? []).Contains(cgroupId);

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
