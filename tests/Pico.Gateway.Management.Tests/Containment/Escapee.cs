using System.Globalization;
using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Tests.Containment;

/// <summary>A descendant that left the gateway's process group, known by pid and start time so a recycled pid is never mistaken for it.</summary>
internal sealed class Escapee
{
    private Escapee(int pid, long startTime)
    {
        Pid = pid;
        StartTime = startTime;
    }

    public int Pid { get; }

    public long StartTime { get; }

    public bool IsAlive => ProcessIdentity.IsSameProcess(Pid, StartTime);

    /// <summary>Reads the pid the escapee wrote (the gateway prints ESCAPEE only after it is there) and its start time while it runs.</summary>
    public static Escapee Read(string pidFile)
    {
        var pid = int.Parse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
        Assert.True(ProcessIdentity.TryGetStartTime(pid, out var startTime), $"the escapee {pid} is not running");
        return new Escapee(pid, startTime);
    }

    /// <summary>Cleanup after a failed assertion: kills the escapee if it is still the process the test started.</summary>
    public void KillIfAlive()
    {
        if (IsAlive)
        {
            _ = LibC.kill(Pid, LibC.SIGKILL);
        }
    }

    public override string ToString() => $"escapee {Pid}";
}
