using Microsoft.Extensions.Logging;
using Pico.Gateway.Management.Diagnostics;

namespace Pico.Gateway.Management.Processes.Containment;

/// <summary>
/// One run in a cgroup v2 of its own: every descendant stays in it whatever its session or group, since leaving needs write access
/// to a common ancestor. Killed with cgroup.kill (or freeze and kill on kernels before 5.14), watched until <c>populated 0</c>,
/// removed after.
/// </summary>
internal sealed class CgroupProcessTree(CgroupDirectory cgroup, string cgroupPath, RunCookie cookie, bool useKillFile, ILogger logger) : ProcessTree
{
    private int _removed;
    private ulong _id;

    public CgroupDirectory Cgroup { get; } = cgroup;

    /// <summary>Gets the run's path in the hierarchy, as /proc/&lt;pid&gt;/cgroup shows it for its members.</summary>
    public string CgroupPath { get; } = cgroupPath;

    /// <summary>Gets the cookie the run also carries, so that its processes can be told apart after the cgroup is gone.</summary>
    public RunCookie Cookie { get; } = cookie;

    public override GatewayContainmentMode Mode => GatewayContainmentMode.Cgroup;

    public override string? EntryFile => Cgroup.ProcsFile;

    public override RunContainment Record => new(Mode, Cgroup.Path, Cookie.Value);

    public override void Signal(int signal)
    {
        // The leader by its group too: until the trampoline has written its pid into cgroup.procs, it is the one process of the run.
        _ = LibC.kill(-Leader, signal);
        if (signal == LibC.SIGKILL)
        {
            TryKill();
            return;
        }

        using var signals = new MemberSignals();
        foreach (var pid in Cgroup.ReadMembers())
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
        // A gateway alone in its tree (the usual case) left the cgroup empty as it exited, and an empty cgroup gains no member (only
        // a member can fork into it): nothing to kill or wait for, and its exit is published sooner.
        if (!Cgroup.IsPopulated())
        {
            LastKill = (0, 0);
            return;
        }

        var deadline = Environment.TickCount64 + (long)bound.TotalMilliseconds;
        var members = Cgroup.ReadMembers().Count;
        var rounds = 0;
        do
        {
            TryKill();
        }
        while (!Cgroup.WaitForEvent("populated", "0", useKillFile ? deadline : Math.Min(deadline, Environment.TickCount64 + 100))
            && ++rounds < 64 && Environment.TickCount64 < deadline);

        LastKill = (members, Cgroup.IsPopulated() ? Cgroup.ReadMembers().Count : 0);
    }

    public override bool Contains(int pid)
    {
        var path = CgroupHierarchy.CgroupOf(pid);
        return path is not null && (path == CgroupPath || path.StartsWith(CgroupPath + "/", StringComparison.Ordinal));
    }

    /// <summary>Every member of the run's cgroup and of any cgroup the gateway made below it: the kernel keeps the list, nothing is scanned.</summary>
    public override IReadOnlyList<int> ListWithoutScan()
    {
        var members = Cgroup.ReadMembers();
        try
        {
            foreach (var below in Directory.EnumerateDirectories(Cgroup.Path, "*", SearchOption.AllDirectories))
            {
                members.AddRange(new CgroupDirectory(below).ReadMembers());
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Removed while we looked: its members were gone.
        }

        return members;
    }

    /// <summary>
    /// The run's own cgroup first, whose id is read once (a directory keeps its inode while it exists); only for another id are the
    /// cgroups the gateway made below it looked at, usually none.
    /// </summary>
    public override bool OwnsCgroupId(ulong cgroupId)
    {
        if (cgroupId == 0)
        {
            return false;
        }

        if (_id == 0)
        {
            _id = CgroupDirectory.IdOf(Cgroup.Path);
        }

        if (cgroupId == _id)
        {
            return true;
        }

        try
        {
            foreach (var below in Directory.EnumerateDirectories(Cgroup.Path, "*", SearchOption.AllDirectories))
            {
                if (CgroupDirectory.IdOf(below) == cgroupId)
                {
                    return true;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Removed while we looked.
        }

        return false;
    }

    public override void Release()
    {
        if (Interlocked.Exchange(ref _removed, 1) != 0)
        {
            return;
        }

        if (!Cgroup.TryRemove(out var error))
        {
            Log.CgroupRemoveFailed(logger, Cgroup.Path, error);
        }
    }

    private bool IsMember(int pid) => Contains(pid);

    private void TryKill()
    {
        try
        {
            Cgroup.KillMembers(useKillFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Gone already (removed after an earlier kill) or no longer writable: the wait for populated 0 says which.
        }
    }
}
