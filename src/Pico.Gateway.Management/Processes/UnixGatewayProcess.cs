using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Pico.Gateway.Management.Diagnostics;
using Pico.Gateway.Management.Processes.Containment;

namespace Pico.Gateway.Management.Processes;

/// <summary>
/// A spawned process group leader. One thread blocks in waitid for the exit notification and two block in read on the pipes:
/// the kernel wakes them, nothing polls. The spawning caller starts the exit thread, which starts the two readers. Each pipe's reader splits what it read itself unless a burst fills its buffer; then
/// a thread of its own splits the chunks (<see cref="PipeOutputQueue"/>), so a burst costs the gateway a copy per chunk, not our work per line;
/// a flood of small writes is read many lines at a time after short pauses (<see cref="ReadCoalescing"/>), so it does not wake a reader per line. When the leader exits, the rest of its
/// tree (<see cref="ProcessTree"/>) is killed before the exit is published; a process that escaped the tree and still holds the
/// pipes is no longer read from once a short grace has passed, so it costs the host no thread and no descriptor.
/// </summary>
internal sealed unsafe class UnixGatewayProcess : IGatewayProcess
{
    private const int ReadChunkBytes = 64 * 1024;
    private const int ThreadStackBytes = 256 * 1024;

    // How much output may wait to be split (16 MiB per pipe) before reading waits for the splitter, and the gateway's writes with it.
    private const int MaxQueuedChunks = 256;

    // How long killing the tree may take before the exit is published anyway (a member stuck in uninterruptible sleep).
    private static readonly TimeSpan TreeKillBound = TimeSpan.FromSeconds(2);

    // What the gateway wrote is in the pipe when it exits; a holder still alive this long after the tree was killed escaped it.
    private static readonly TimeSpan OutputGrace = TimeSpan.FromMilliseconds(250);

    private readonly TaskCompletionSource<GatewayProcessExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stdoutDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Guards the reap against signals: once the leader is reaped its pid may be reused, so the group is never signalled again.
    private readonly Lock _signalGate = new();
    private bool _reaped;

    private readonly ProcessTree _tree;
    private readonly ILogger _logger;
    private readonly ReadCancellation? _readCancellation;
    private readonly SpoolCapture? _spool;
    private readonly ExecGate? _gate;
    private readonly string? _spoolPath;

    // Started by the exit thread, not by the spawning caller: Thread.Start waits until the new thread runs, and a start should wait
    // for one such thread, not three. The exit thread, which must not start late, is the one started by the caller.
    private readonly Action _startReaders;

    public UnixGatewayProcess(int pid, int stdoutFd, int stderrFd, int maxLineLength, IGatewayOutputHandler output, ProcessTree tree, ILogger logger, ExecGate? gate = null)
    {
        Id = pid;
        _tree = tree;
        _logger = logger;
        _gate = gate;
        OutputClosed = Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task);
        OutputCompleted = Task.WhenAll(_stdoutDone.Task, _stderrDone.Task);
        var cancellation = _readCancellation = new ReadCancellation(readers: 2);
        _startReaders = () =>
        {
            StartThread(() => ReadPipe(stdoutFd, cancellation, GatewayLogStream.StandardOutput, maxLineLength, output, _stdoutClosed, _stdoutDone), $"gateway {pid} stdout");
            StartThread(() => ReadPipe(stderrFd, cancellation, GatewayLogStream.StandardError, maxLineLength, output, _stderrClosed, _stderrDone), $"gateway {pid} stderr");
        };
        StartThread(WaitForExit, $"gateway {pid} exit");
    }

    /// <summary>A gateway whose output goes to spool files (<see cref="SpoolCapture"/>) rather than pipes.</summary>
    /// <param name="pid">The spawned process.</param>
    /// <param name="spool">What follows its output files.</param>
    /// <param name="tree">Its process tree.</param>
    /// <param name="logger">Where problems are logged.</param>
    /// <param name="gate">The exec gate it is held at, if any.</param>
    /// <param name="spoolPath">Where <see cref="LetRun"/> renames a spare's staged spool files to before it opens the gate, or null.</param>
    public UnixGatewayProcess(int pid, SpoolCapture spool, ProcessTree tree, ILogger logger, ExecGate? gate = null, string? spoolPath = null)
    {
        Id = pid;
        _tree = tree;
        _logger = logger;
        _gate = gate;
        _spoolPath = spoolPath;
        _spool = spool;
        OutputClosed = spool.Completed;
        OutputCompleted = spool.Completed;
        _startReaders = spool.Begin;
        StartThread(WaitForExit, $"gateway {pid} exit");
    }

    public int Id { get; }

    public Task<GatewayProcessExit> Exited => _exited.Task;

    public Task OutputClosed { get; }

    public Task OutputCompleted { get; }

    public GatewayContainmentMode Containment => _tree.Mode;

    public RunContainment RunContainment => _tree.Record;

    public void LetRun()
    {
        if (_spoolPath is { } spoolPath && _spool is { } spool)
        {
            try
            {
                SpoolCapture.Promote(spool.BasePath, spoolPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.StagedSpoolNotPromoted(_logger, spoolPath, ex.Message);
            }
        }

        _gate?.Open();
    }

    public void SignalTerminate() => SignalTree(LibC.SIGTERM);

    public void Kill() => SignalTree(LibC.SIGKILL);

    public bool IsInTree(int pid)
    {
        lock (_signalGate)
        {
            // Once the leader is reaped the tree is dead: its pid and group id may name strangers.
            return !_reaped && _tree.Contains(pid);
        }
    }

    public IReadOnlyList<int> ListTreeWithoutScan()
    {
        lock (_signalGate)
        {
            return _reaped ? [] : _tree.ListWithoutScan();
        }
    }

    public bool OwnsCgroupId(ulong cgroupId)
    {
        lock (_signalGate)
        {
            return !_reaped && _tree.OwnsCgroupId(cgroupId);
        }
    }

    /// <summary>Stops reading output: what is in the pipes is still read, then the readers end even if an escapee holds the pipes.</summary>
    public void Dispose()
    {
        _gate?.Dispose();
        _readCancellation?.Cancel();
        _spool?.Finish();
    }

    private void SignalTree(int signal)
    {
        lock (_signalGate)
        {
            if (!_reaped)
            {
                _tree.Signal(signal);
            }
        }
    }

    private static void StartThread(ThreadStart body, string name)
    {
        var thread = new Thread(body, ThreadStackBytes) { IsBackground = true, Name = name };
        thread.UnsafeStart();
    }

    private void WaitForExit()
    {
        _startReaders();

        // Wait without reaping: while the leader is a zombie its pid cannot be reused, so killing the group cannot hit a stranger.
        var info = stackalloc byte[256];
        int result;
        do
        {
            result = LibC.waitid(LibC.P_PID, Id, info, LibC.WEXITED | LibC.WNOWAIT);
        }
        while (result != 0 && Marshal.GetLastPInvokeError() == LibC.EINTR);

        // The gateway's own descendants must not outlive it: the leader, still a zombie, keeps its pid and group id ours meanwhile.
        _tree.KillAllAndReport(TreeKillBound, Id, _logger);

        var status = 0;
        lock (_signalGate)
        {
            do
            {
                result = LibC.waitpid(Id, &status, 0);
            }
            while (result < 0 && Marshal.GetLastPInvokeError() == LibC.EINTR);

            _reaped = true;
        }

        _tree.Release();
        _gate?.Dispose();

        // A spool holds all the gateway wrote by now: it is read to its end, whoever else still holds the files.
        _spool?.Finish();
        _exited.TrySetResult(result == Id ? Decode(status) : GatewayProcessExit.Unknown);
        if (!OutputClosed.IsCompleted && _readCancellation is { } cancellation)
        {
            _ = cancellation.CancelUnlessClosedAsync(OutputClosed, OutputGrace);
        }
    }

    private static GatewayProcessExit Decode(int status)
    {
        var termination = status & 0x7f;
        if (termination == 0)
        {
            return new GatewayProcessExit((status >> 8) & 0xff, null);
        }

        return termination == 0x7f ? GatewayProcessExit.Unknown : new GatewayProcessExit(null, termination);
    }

    private static void ReadPipe(
        int fd, ReadCancellation cancellation, GatewayLogStream stream, int maxLineLength, IGatewayOutputHandler output, TaskCompletionSource closed, TaskCompletionSource done)
    {
        var name = $"{Thread.CurrentThread.Name} lines";
        PipeOutputQueue? self = null;
        var queue = self = new PipeOutputQueue(
            new LineSplitter(stream, maxLineLength, output, ReadChunkBytes), ReadChunkBytes, MaxQueuedChunks, () => StartThread(() => self!.RunSplitter(), name));
        var coalescing = new ReadCoalescing(Stopwatch.Frequency);
        var readable = false;
        try
        {
            while (true)
            {
                // Known readable after a pause (a read then returns at once): no wait to ask for.
                if (!readable && !cancellation.WaitReadable(fd))
                {
                    // Cancelled: what is in the pipe now is still read, without waiting for more.
                    _ = LibC.fcntl(fd, LibC.F_SETFL, LibC.fcntl(fd, LibC.F_GETFL, 0) | LibC.O_NONBLOCK);
                }

                readable = false;
                var chunk = queue.Rent();

                // The errno is taken with the read: giving the chunk back below may unmap one, which replaces the saved errno, and an
                // interrupted read then looked like an error that ended the reader, losing what the gateway wrote next.
                var count = LibC.Read(fd, chunk, ReadChunkBytes, out var error);
                if (count > 0)
                {
                    var now = Stopwatch.GetTimestamp();
                    queue.Deliver(chunk, (int)count);

                    // A flood of small writes would wake this thread once per line, and each wake-up costs the gateway inside its write:
                    // the reader pauses a little first (asleep, or yielding the CPU in an intense flood), so the lines written meanwhile
                    // are taken in one read (ReadCoalescing). The pipe stays blocking and nothing is skipped: a pause only delays the next
                    // wait, which then finds the data at once.
                    if (OperatingSystem.IsLinux()
                        && coalescing.PauseAfterRead(now, (int)count, ReadChunkBytes)
                        && (coalescing.Intense ? cancellation.YieldPause(ReadCoalescing.Pause) : cancellation.Pause(ReadCoalescing.Pause, fd)))
                    {
                        readable = ReadCancellation.IsReadableNow(fd);
                        if (!readable)
                        {
                            coalescing.Drained();
                        }
                    }

                    continue;
                }

                queue.Release(chunk);
                if (count == 0 || error != LibC.EINTR)
                {
                    break;
                }
            }
        }
        finally
        {
            _ = LibC.close(fd);
            cancellation.ReaderDone();
            closed.TrySetResult();
            queue.Complete(done);
        }
    }
}
