using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Pico.Gateway.Management.Diagnostics;

namespace Pico.Gateway.Management.Processes;

/// <summary>
/// Output capture that outlives the host (Linux, when re-attach is on): the gateway's stdout and stderr are append-only files beside
/// the pid file (<c>&lt;pid file&gt;.stdout</c>, <c>.stderr</c>) instead of pipes, so a write after the host died neither blocks nor
/// fails (a pipe would raise SIGPIPE, which ends a Go program). The host follows each file with inotify (nothing polls), and frees
/// what it has read by punching holes, so the disk holds at most <see cref="DiskBoundBytes"/> of read output per stream plus what is
/// not read yet. Before a line is handed on, the offset of the end of the last complete line is written to
/// <c>&lt;pid file&gt;.offsets</c>, so the next host resumes there: a line is read at most once, and one cut by the host's death is
/// read whole by the next host.
/// </summary>
internal sealed class SpoolCapture : IDisposable
{
    /// <summary>How much read output may stay on disk per stream before its space is given back.</summary>
    public const long DiskBoundBytes = 4 * 1024 * 1024;

    private const int ReadChunkBytes = 64 * 1024;
    private const int BlockBytes = 4096;
    private const int ThreadStackBytes = 256 * 1024;
    private const int OffsetsBytes = 16;

    private readonly ReadCancellation _finish = new(readers: 2);
    private readonly TaskCompletionSource _stdoutDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _offsetsFd;
    private readonly ILogger _logger;
    private readonly Action _begin;
    private volatile bool _finishing;
    private int _followersDone;
    private int _begun;

    private SpoolCapture(string basePath, long stdoutOffset, long stderrOffset, int offsetsFd, int maxLineLength, IGatewayOutputHandler output, ILogger logger)
    {
        BasePath = basePath;
        _offsetsFd = offsetsFd;
        _logger = logger;
        Completed = Task.WhenAll(_stdoutDone.Task, _stderrDone.Task);
        // Opened here, on the caller's thread, not by the followers: a spare's staged files are renamed into place when it runs, and
        // a follower that opened them by name only after that would find nothing there.
        var stdout = FollowedFile.Open(StdoutPath(basePath));
        var stderr = FollowedFile.Open(StderrPath(basePath));
        _begin = () =>
        {
            Start(stdout, 0, stdoutOffset, GatewayLogStream.StandardOutput, maxLineLength, output, _stdoutDone);
            Start(stderr, 1, stderrOffset, GatewayLogStream.StandardError, maxLineLength, output, _stderrDone);
        };
    }

    /// <summary>Gets the base path of the files followed (a spare's staged files until they are promoted).</summary>
    public string BasePath { get; }

    /// <summary>Gets a task that completes once both streams are read to their end after <see cref="Finish"/>.</summary>
    public Task Completed { get; }

    public static string StdoutPath(string basePath) => basePath + ".stdout";

    public static string StderrPath(string basePath) => basePath + ".stderr";

    public static string OffsetsPath(string basePath) => basePath + ".offsets";

    /// <summary>
    /// Creates fresh spool files for a spawn (new inodes: a follower of an earlier run keeps its own) and returns descriptors the
    /// child's stdout and stderr are duplicated from; the caller closes them once the child holds its copies.
    /// </summary>
    public static (int Stdout, int Stderr) CreateForChild(string basePath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(basePath)!);
        WriteOffsets(basePath, 0, 0);
        var stdout = CreateAppendOnly(StdoutPath(basePath));
        try
        {
            return (stdout, CreateAppendOnly(StderrPath(basePath)));
        }
        catch
        {
            _ = LibC.close(stdout);
            throw;
        }
    }

    /// <summary>
    /// Follows the files a spawn just created, from their start, once <see cref="Begin"/> is called: the gateway's exit thread calls
    /// it, so a start waits for no follower thread to be scheduled (what is written meanwhile waits in the files).
    /// </summary>
    public static SpoolCapture FollowNew(string basePath, int maxLineLength, IGatewayOutputHandler output, ILogger logger) =>
        new(basePath, 0, 0, OpenOffsets(basePath), maxLineLength, output, logger);

    /// <summary>
    /// Follows the files of a gateway an earlier host spawned, from the offsets it recorded; null when that gateway has no spool
    /// (spawned with pipes, or the files are gone).
    /// </summary>
    public static unsafe SpoolCapture? TryResume(string basePath, int maxLineLength, IGatewayOutputHandler output, ILogger logger)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(StdoutPath(basePath)) || !File.Exists(StderrPath(basePath)))
        {
            return null;
        }

        var offsetsFd = OpenOffsets(basePath);
        if (offsetsFd < 0)
        {
            return null;
        }

        var offsets = stackalloc long[2];
        if (LibC.pread(offsetsFd, (byte*)offsets, OffsetsBytes, 0) != OffsetsBytes)
        {
            _ = LibC.close(offsetsFd);
            return null;
        }

        var capture = new SpoolCapture(basePath, offsets[0], offsets[1], offsetsFd, maxLineLength, output, logger);
        capture.Begin();
        return capture;
    }

    /// <summary>Starts the two follower threads (once).</summary>
    public void Begin()
    {
        if (Interlocked.Exchange(ref _begun, 1) == 0)
        {
            _begin();
        }
    }

    /// <summary>The gateway has exited (or the host lets it go): what is in the files now is still read, then the followers end.</summary>
    public void Finish()
    {
        _finishing = true;
        _finish.Cancel();
    }

    public void Dispose() => Finish();

    /// <summary>A base path for one spare's spool files, beside the running gateway's, until <see cref="Promote"/>.</summary>
    public static string Staged(string basePath) => $"{basePath}.next-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}";

    /// <summary>
    /// Renames a spare's staged files (output and offsets) over the current ones when it is let run: the files a later host resumes
    /// from are then the new run's, and the spare's followers, which hold them open, go on reading the same files.
    /// </summary>
    public static void Promote(string staged, string basePath)
    {
        File.Move(StdoutPath(staged), StdoutPath(basePath), overwrite: true);
        File.Move(StderrPath(staged), StderrPath(basePath), overwrite: true);
        File.Move(OffsetsPath(staged), OffsetsPath(basePath), overwrite: true);
    }

    /// <summary>Removes a run's spool files once its gateway has exited and its output is read.</summary>
    public static void Delete(string basePath)
    {
        File.Delete(StdoutPath(basePath));
        File.Delete(StderrPath(basePath));
        File.Delete(OffsetsPath(basePath));
    }

    private static int CreateAppendOnly(string path)
    {
        File.Delete(path);
        var fd = LibC.open(path, LibC.O_WRONLY | LibC.O_CREAT_Linux | LibC.O_TRUNC_Linux | LibC.O_APPEND_Linux | LibC.O_CLOEXEC, OwnerOnly);
        return fd >= 0 ? fd : throw new GatewaySpawnException($"could not create the output spool {path}: {Marshal.GetLastPInvokeErrorMessage()}");
    }

    private static unsafe void WriteOffsets(string basePath, long stdout, long stderr)
    {
        var path = OffsetsPath(basePath);
        File.Delete(path);
        var fd = LibC.open(path, LibC.O_RDWR | LibC.O_CREAT_Linux | LibC.O_CLOEXEC, OwnerOnly);
        if (fd < 0)
        {
            throw new GatewaySpawnException($"could not create {path}: {Marshal.GetLastPInvokeErrorMessage()}");
        }

        var offsets = stackalloc long[2] { stdout, stderr };
        _ = LibC.pwrite(fd, (byte*)offsets, OffsetsBytes, 0);
        _ = LibC.close(fd);
    }

    private static int OpenOffsets(string basePath) => LibC.open(OffsetsPath(basePath), LibC.O_RDWR | LibC.O_CLOEXEC, 0);

    private static int OwnerOnly => Convert.ToInt32("600", 8);

    private void Start(FollowedFile file, int slot, long offset, GatewayLogStream stream, int maxLineLength, IGatewayOutputHandler output, TaskCompletionSource done)
    {
        var thread = new Thread(() => Follow(file, slot, offset, stream, maxLineLength, output, done), ThreadStackBytes)
        {
            IsBackground = true,
            Name = $"gateway spool {Path.GetFileName(file.Path)}",
        };
        thread.UnsafeStart();
    }

    private unsafe void Follow(FollowedFile file, int slot, long offset, GatewayLogStream stream, int maxLineLength, IGatewayOutputHandler output, TaskCompletionSource done)
    {
        var (path, fd, watch) = (file.Path, file.Fd, file.Watch);
        var splitter = new LineSplitter(stream, maxLineLength, output, ReadChunkBytes);
        var buffer = new byte[ReadChunkBytes];
        var events = stackalloc byte[4096];
        try
        {
            if (file.Error is { } error)
            {
                Log.OutputSpoolFailed(_logger, path, error);
                return;
            }

            var committed = offset;
            var freed = offset / BlockBytes * BlockBytes;
            var punchWarned = false;
            while (true)
            {
                // Read the flag before the read: if it was set, the gateway had exited, so this read sees all it wrote.
                var last = _finishing;
                nint count;
                fixed (byte* bytes = buffer)
                {
                    count = LibC.pread(fd, bytes, ReadChunkBytes, offset);
                }

                if (count > 0)
                {
                    var chunk = buffer.AsSpan(0, (int)count);
                    var lastNewline = chunk.LastIndexOf((byte)'\n');
                    offset += count;
                    if (lastNewline >= 0)
                    {
                        // Recorded before the lines are handed on: a host that dies now loses them rather than reading them twice.
                        committed = offset - count + lastNewline + 1;
                        RecordOffset(slot, committed);
                    }

                    splitter.Push(chunk);
                    if (committed - freed >= DiskBoundBytes)
                    {
                        var upTo = committed / BlockBytes * BlockBytes;
                        if (LibC.fallocate(fd, LibC.FALLOC_FL_PUNCH_HOLE | LibC.FALLOC_FL_KEEP_SIZE, freed, upTo - freed) == 0)
                        {
                            freed = upTo;
                        }
                        else if (!punchWarned)
                        {
                            punchWarned = true;
                            Log.OutputSpoolUnbounded(_logger, path, Marshal.GetLastPInvokeErrorMessage());
                        }
                    }

                    continue;
                }

                if (count < 0 && Marshal.GetLastPInvokeError() == LibC.EINTR)
                {
                    continue;
                }

                if (count < 0 || last)
                {
                    break;
                }

                // At the end for now: sleep until the file is written to, or until the run is finished.
                _finish.WaitReadable(watch);
                while (LibC.read(watch, events, 4096) > 0)
                {
                }
            }

            splitter.Complete();
        }
        finally
        {
            if (fd >= 0)
            {
                _ = LibC.close(fd);
            }

            _finish.ReaderDone();

            if (Interlocked.Increment(ref _followersDone) == 2 && _offsetsFd >= 0)
            {
                _ = LibC.close(_offsetsFd);
            }

            done.TrySetResult();

            // Last: closing an inotify instance that had a watch waits for the kernel's fsnotify grace period (10-25 ms), which the
            // gateway's exit must not wait for.
            if (watch >= 0)
            {
                _ = LibC.close(watch);
            }
        }
    }

    private unsafe void RecordOffset(int slot, long offset)
    {
        if (_offsetsFd >= 0)
        {
            _ = LibC.pwrite(_offsetsFd, (byte*)&offset, sizeof(long), slot * sizeof(long));
        }
    }

    /// <summary>
    /// One spool file opened for following: read and write (punching a hole needs a descriptor open for writing), with an inotify
    /// watch added before the first read, so a write after that read always wakes the follower.
    /// </summary>
    private sealed record FollowedFile(string Path, int Fd, int Watch, string? Error)
    {
        public static FollowedFile Open(string path)
        {
            var fd = LibC.open(path, LibC.O_RDWR | LibC.O_CLOEXEC, 0);
            var watch = LibC.inotify_init1(LibC.IN_CLOEXEC | LibC.IN_NONBLOCK);
            var error = fd < 0 || watch < 0 || LibC.inotify_add_watch(watch, path, LibC.IN_MODIFY) < 0 ? Marshal.GetLastPInvokeErrorMessage() : null;
            return new FollowedFile(path, fd, watch, error);
        }
    }
}
