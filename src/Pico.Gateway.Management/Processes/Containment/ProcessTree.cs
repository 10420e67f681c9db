using Microsoft.Extensions.Logging;
using Pico.Gateway.Management.Diagnostics;

namespace Pico.Gateway.Management.Processes.Containment;

/// <summary>
/// Everything one gateway run started: what a signal reaches, what is killed once the gateway is gone, and whether a given process
/// belongs to it. The owner guarantees the leader is not reaped while <see cref="Signal"/> or <see cref="KillAll"/> runs, so its
/// pid and process group id cannot name a stranger.
/// </summary>
internal abstract class ProcessTree
{
    /// <summary>A tree that forks as fast as it is killed is chased this many rounds, each of which waits for its kills to land.</summary>
    protected const int MaxKillRounds = 64;

    public abstract GatewayContainmentMode Mode { get; }

    /// <summary>Gets what a later host needs to contain this run the same way (recorded in the pid file).</summary>
    public virtual RunContainment Record => RunContainment.ProcessGroup;

    /// <summary>Gets the file the trampoline writes its pid to, to be in the tree before the gateway runs (a cgroup's <c>cgroup.procs</c>), or null.</summary>
    public virtual string? EntryFile => null;

    /// <summary>Gets the gateway's pid, which is also its process group id.</summary>
    public int Leader { get; private set; }

    /// <summary>Gets how many descendants the last <see cref="KillAll"/> killed, and how many were still alive at its bound.</summary>
    public (int Killed, int Survivors) LastKill { get; protected set; }

    public void Attach(int leader) => Leader = leader;

    /// <summary>Sends <paramref name="signal"/> to every process of the tree while the leader is alive.</summary>
    public abstract void Signal(int signal);

    /// <summary>
    /// Called once the leader has exited, before it is reaped: kills every process left in the tree and returns when none is
    /// left or <paramref name="bound"/> has passed.
    /// </summary>
    public abstract void KillAll(TimeSpan bound);

    /// <summary>
    /// <see cref="KillAll"/>, then says in the log how many processes the gateway <paramref name="leader"/> left behind were killed
    /// and how many survived the bound.
    /// </summary>
    public void KillAllAndReport(TimeSpan bound, int leader, ILogger logger)
    {
        KillAll(bound);
        var (killed, survivors) = LastKill;
        if (killed > 0)
        {
            Log.DescendantsKilled(logger, killed, leader);
        }

        if (survivors > 0)
        {
            Log.DescendantsSurvived(logger, survivors, leader, bound);
        }
    }

    /// <summary>Whether <paramref name="pid"/> names a live process of this tree.</summary>
    public abstract bool Contains(int pid);

    /// <summary>
    /// The processes of the tree that can be listed without a scan of all of /proc: the leader and its descendants, through
    /// /proc/&lt;pid&gt;/task/&lt;tid&gt;/children where the kernel has it (CONFIG_PROC_CHILDREN), else the leader alone. A daemon
    /// re-parented away is not among them; <see cref="Contains"/> still tells it apart.
    /// </summary>
    public virtual IReadOnlyList<int> ListWithoutScan()
    {
        const int MaxMembers = 4096;
        var members = new List<int> { Leader };
        for (var next = 0; next < members.Count && members.Count < MaxMembers; next++)
        {
            members.AddRange(ProcStat.ChildrenOf(members[next]));
        }

        return members;
    }

    /// <summary>Whether <paramref name="cgroupId"/> is the id of the run's cgroup v2 or of one below it; false for a tree that is no cgroup.</summary>
    public virtual bool OwnsCgroupId(ulong cgroupId) => false;

    /// <summary>Releases what the tree holds once its leader is reaped (the cgroup directory); a no-op for the others.</summary>
    public virtual void Release()
    {
    }

    /// <summary>Whether <paramref name="pid"/> is a live member of the leader's process group, which a group signal already reached.</summary>
    protected bool InGroup(int pid) => ProcStat.TryRead(pid, out var stat) && stat.IsAlive && stat.GroupId == Leader;

    /// <summary>
    /// The kill of <see cref="KillAll"/> for a tree found by a scan: SIGKILL to the group, then to every other process
    /// <paramref name="isMember"/> claims (each pinned with a pidfd first, <see cref="MemberSignals"/>), then a wait on those
    /// pidfds, since a SIGKILL is delivered, not completed; again while new members appear (a member that forked before it
    /// died), at most <see cref="MaxKillRounds"/> times, until <paramref name="bound"/>. Sets <see cref="LastKill"/>.
    /// </summary>
    protected void KillMembers(TimeSpan bound, Func<int, bool> isMember)
    {
        var deadline = Environment.TickCount64 + (long)bound.TotalMilliseconds;
        var killed = 0;
        for (var round = 0; round < MaxKillRounds; round++)
        {
            // The group first: its members die even if they cleared their environment, as long as they stayed in the group.
            _ = LibC.kill(-Leader, LibC.SIGKILL);
            var members = ScanForMembers(isMember);
            if (members.Count == 0)
            {
                LastKill = (killed, 0);
                return;
            }

            using var signals = new MemberSignals();
            foreach (var pid in members)
            {
                killed += signals.Send(pid, LibC.SIGKILL, isMember) ? 1 : 0;
            }

            if (!signals.WaitForExits(deadline))
            {
                break;
            }
        }

        LastKill = (killed, ScanForMembers(isMember).Count);
    }

    /// <summary>The processes of /proc other than this one that <paramref name="isMember"/> claims: a scan, for what re-parenting hid.</summary>
    protected static List<int> ScanForMembers(Func<int, bool> isMember)
    {
        var members = new List<int>();
        foreach (var pid in ProcStat.OtherProcessIds())
        {
            if (isMember(pid))
            {
                members.Add(pid);
            }
        }

        return members;
    }

    protected bool InGroupOrDescends(int pid)
    {
        if (pid == Leader)
        {
            return true;
        }

        return (ProcStat.TryRead(pid, out var stat) && stat.IsAlive && stat.GroupId == Leader) || ProcStat.DescendsFrom(pid, Leader);
    }
}
