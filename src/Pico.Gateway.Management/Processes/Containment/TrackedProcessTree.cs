namespace Pico.Gateway.Management.Processes.Containment;

/// <summary>
/// The process group plus every process whose environment carries the run's cookie, found by a scan of /proc. A descendant that
/// replaces its environment before exec (<c>env -i</c>, a daemon that scrubs it) escapes: the kernel keeps no other record of who
/// started whom once the parent is gone.
/// </summary>
internal sealed class TrackedProcessTree(RunCookie cookie) : ProcessTree
{
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

    public override void KillAll(TimeSpan bound) => KillMembers(bound, IsMember);

    public override bool Contains(int pid) => IsMember(pid) || InGroupOrDescends(pid);

    private bool IsMember(int pid) =>
        pid != Leader && ProcStat.TryRead(pid, out var stat) && stat.IsAlive && (stat.GroupId == Leader || Cookie.IsCarriedBy(pid));

    private List<int> FindMembers() => ScanForMembers(IsMember);
}
