namespace Pico.Gateway.Management.Processes.Containment;

/// <summary>
/// The process group plus every process whose environment carries the run's cookie, found by a scan of /proc. A descendant that
/// replaces its environment before exec (<c>env -i</c>, a daemon that scrubs it) escapes: the kernel keeps no other record of who
/// started whom once the parent is gone.
/// </summary>
internal sealed class TrackedProcessTree(RunCookie cookie) : ProcessTree
{
    // A tree that forks as fast as it is killed is chased this many rounds, each of which waits for its kills to land.
    private const int MaxRounds = 64;

    public RunCookie Cookie { get; } = cookie;

    public override GatewayContainmentMode Mode => GatewayContainmentMode.Tracked;

    public override RunContainment Record => new(Mode, Cookie: Cookie.Value);

    public override void Signal(int signal)
    {
        _ = LibC.kill(-Leader, signal);
        using var signals = new MemberSignals();
        foreach (var pid in FindMembers())
        {
            // Once each: some programs take a second SIGTERM as "quit now", and the group has had its signal.
            if (!InGroup(pid))
            {
                _ = signals.Send(pid, signal, IsMember);
            }
        }
    }

    public override void KillAll(TimeSpan bound)
    {
        var deadline = Environment.TickCount64 + (long)bound.TotalMilliseconds;
        var killed = 0;
        for (var round = 0; round < MaxRounds; round++)
        {
            // The group first: its members die even if they cleared their environment, as long as they stayed in the group.
            _ = LibC.kill(-Leader, LibC.SIGKILL);
            var members = FindMembers();
            if (members.Count == 0)
            {
                LastKill = (killed, 0);
                return;
            }

            using var signals = new MemberSignals();
            foreach (var pid in members)
            {
                killed += signals.Send(pid, LibC.SIGKILL, IsMember) ? 1 : 0;
            }

            if (!signals.WaitForExits(deadline))
            {
                break;
            }
        }

        LastKill = (killed, FindMembers().Count);
    }

    public override bool Contains(int pid) => IsMember(pid) || InGroupOrDescends(pid);

    private bool IsMember(int pid) =>
        pid != Leader && ProcStat.TryRead(pid, out var stat) && stat.IsAlive && (stat.GroupId == Leader || Cookie.IsCarriedBy(pid));

    private List<int> FindMembers() => ScanForMembers(IsMember);
}
