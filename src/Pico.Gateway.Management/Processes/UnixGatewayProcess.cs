using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Pico.Gateway.Management.Processes;

/// <summary>
/// A spawned process group leader. One thread blocks in waitid for the exit notification and two block in read on the pipes:
/// the kernel wakes them, nothing polls. Each pipe's reader only drains it into pooled chunks; a thread of its own splits them
/// into lines, so a burst of output costs the gateway a copy per chunk, not our work per line.
/// </summary>
internal sealed unsafe class UnixGatewayProcess : IGatewayProcess
{
    private const int ReadChunkBytes = 64 * 1024;
    private const int ThreadStackBytes = 256 * 1024;

    // How much output may wait to be split (16 MiB per pipe) before reading waits for the splitter, and the gateway's writes with it.
    private const int MaxQueuedChunks = 256;

    private readonly TaskCompletionSource<GatewayProcessExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stdoutDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Guards the reap against signals: once the leader is reaped its pid may be reused, so the group is never signalled again.
    private readonly Lock _signalGate = new();
    private bool _reaped;

    public UnixGatewayProcess(int pid, int stdoutFd, int stderrFd, int maxLineLength, IGatewayOutputHandler output)
    {
        Id = pid;
        OutputClosed = Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task);
        OutputCompleted = Task.WhenAll(_stdoutDone.Task, _stderrDone.Task);
        StartThread(() => ReadPipe(stdoutFd, GatewayLogStream.StandardOutput, maxLineLength, output, _stdoutClosed, _stdoutDone), $"gateway {pid} stdout");
        StartThread(() => ReadPipe(stderrFd, GatewayLogStream.StandardError, maxLineLength, output, _stderrClosed, _stderrDone), $"gateway {pid} stderr");
        StartThread(WaitForExit, $"gateway {pid} exit");
    }

    public int Id { get; }

    public Task<GatewayProcessExit> Exited => _exited.Task;

    public Task OutputClosed { get; }

    public Task OutputCompleted { get; }

    public void SignalTerminate() => SignalGroup(LibC.SIGTERM);

    public void Kill() => SignalGroup(LibC.SIGKILL);

    public void Dispose()
    {
    }

    private void SignalGroup(int signal)
    {
        lock (_signalGate)
        {
            if (!_reaped)
            {
                _ = LibC.kill(-Id, signal);
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
        // Wait without reaping: while the leader is a zombie its pid cannot be reused, so killing the group cannot hit a stranger.
        var info = stackalloc byte[256];
        int result;
        do
        {
            result = LibC.waitid(LibC.P_PID, Id, info, LibC.WEXITED | LibC.WNOWAIT);
        }
        while (result != 0 && Marshal.GetLastPInvokeError() == LibC.EINTR);

        // The gateway's own children must not outlive it.
        _ = LibC.kill(-Id, LibC.SIGKILL);

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
        _exited.TrySetResult(result == Id ? Decode(status) : GatewayProcessExit.Unknown);
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

    private static void ReadPipe(int fd, GatewayLogStream stream, int maxLineLength, IGatewayOutputHandler output, TaskCompletionSource closed, TaskCompletionSource done)
    {
        var chunks = new BlockingCollection<(byte[] Buffer, int Count)>(MaxQueuedChunks);
        StartThread(() => SplitChunks(chunks, stream, maxLineLength, output, done), $"{Thread.CurrentThread.Name} lines");
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(ReadChunkBytes);
                long count;
                fixed (byte* bytes = buffer)
                {
                    count = LibC.read(fd, bytes, ReadChunkBytes);
                }

                if (count > 0)
                {
                    chunks.Add((buffer, (int)count));
                    continue;
                }

                ArrayPool<byte>.Shared.Return(buffer);
                if (count == 0 || Marshal.GetLastPInvokeError() != LibC.EINTR)
                {
                    break;
                }
            }
        }
        finally
        {
            _ = LibC.close(fd);
            chunks.CompleteAdding();
            closed.TrySetResult();
        }
    }

    private static void SplitChunks(
        BlockingCollection<(byte[] Buffer, int Count)> chunks, GatewayLogStream stream, int maxLineLength, IGatewayOutputHandler output, TaskCompletionSource done)
    {
        try
        {
            var splitter = new LineSplitter(stream, maxLineLength, output, ReadChunkBytes);
            foreach (var (buffer, count) in chunks.GetConsumingEnumerable())
            {
                splitter.Push(buffer.AsSpan(0, count));
                ArrayPool<byte>.Shared.Return(buffer);
            }

            splitter.Complete();
        }
        finally
        {
            done.TrySetResult();
        }
    }
}
