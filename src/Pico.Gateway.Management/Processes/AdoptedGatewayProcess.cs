using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pico.Gateway.Management.Processes.Containment;

namespace Pico.Gateway.Management.Processes;

/// <summary>
/// A gateway spawned by an earlier host and found again through the pid file. It is not our child, so its exit is told by
/// <see cref="ProcessExitWatch"/>. Its tree is contained as the run was (<see cref="AdoptedContainment"/>): stop signals the whole tree, and once the
/// gateway is gone the rest of it is killed before the exit is published, as for a spawned run. Its output is captured only when it
/// was spawned onto spool files (<see cref="SpoolCapture"/>): from where the host that died stopped reading. Spawned onto pipes, its
/// output went to the host that died: there is nothing to capture.
/// </summary>
internal sealed class AdoptedGatewayProcess : IGatewayProcess
{
    // How long killing the tree may take before the exit is published anyway (a member stuck in uninterruptible sleep).
    private static readonly TimeSpan TreeKillBound = TimeSpan.FromSeconds(2);

    private readonly TaskCompletionSource<GatewayProcessExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _startTime;
    private readonly SpoolCapture? _spool;
    private readonly ProcessTree _tree;
    private readonly ILogger _logger;

    // Guards the tree against signals once the gateway is gone: its pid may then name a stranger.
    private readonly Lock _signalGate = new();
    private bool _gone;

    public AdoptedGatewayProcess(int pid, long startTime, TimeProvider time, SpoolCapture? spool = null, ProcessTree? tree = null, ILogger? logger = null)
    {
        Id = pid;
        _startTime = startTime;
        _spool = spool;
        _logger = logger ?? NullLogger.Instance;
        if (tree is null)
        {
            tree = new ProcessGroupTree();
            tree.Attach(pid);
        }

        _tree = tree;
        ProcessExitWatch.Start(pid, startTime, time, $"gateway {pid} exit (adopted)", Finish);
    }

    public int Id { get; }

    public GatewayContainmentMode Containment => _tree.Mode;

    public RunContainment RunContainment => _tree.Record;

    public Task<GatewayProcessExit> Exited => _exited.Task;

    public Task OutputClosed => _spool?.Completed ?? Task.CompletedTask;

    public Task OutputCompleted => _spool?.Completed ?? Task.CompletedTask;

    public void SignalTerminate() => SignalTree(LibC.SIGTERM);

    public void Kill() => SignalTree(LibC.SIGKILL);

    public bool IsInTree(int pid) => WhileAlive(tree => tree.Contains(pid), false);

    public IReadOnlyList<int> ListTreeWithoutScan() => WhileAlive(tree => tree.ListWithoutScan(), []);

    public bool OwnsCgroupId(ulong cgroupId) => WhileAlive(tree => tree.OwnsCgroupId(cgroupId), false);

    public void Dispose() => _spool?.Finish();

    private void SignalTree(int signal)
    {
        lock (_signalGate)
        {
            // Checked right before each signal: a pid recycled since the check in the pid file is never signalled.
            if (!_gone && ProcessIdentity.IsSameProcess(Id, _startTime))
            {
                _tree.Signal(signal);
            }
        }
    }

    /// <summary>Reads the tree while the gateway lives; once it is gone its pid may name a stranger, and the tree is empty.</summary>
    private T WhileAlive<T>(Func<ProcessTree, T> read, T afterExit)
    {
        lock (_signalGate)
        {
            return _gone ? afterExit : read(_tree);
        }
    }

    private void Finish()
    {
        lock (_signalGate)
        {
            _gone = true;
        }

        // The rest of the tree must not outlive the gateway. It is not our child, so its pid may already be free: the group is
        // signalled by id only while it has members (a group id is not reused while it has any), the cgroup and the cookie name
        // nothing else.
        _tree.KillAllAndReport(TreeKillBound, Id, _logger);

        _tree.Release();
        _spool?.Finish();
        _exited.TrySetResult(GatewayProcessExit.Unknown);
    }
}
