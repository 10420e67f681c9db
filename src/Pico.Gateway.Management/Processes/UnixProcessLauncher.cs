using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pico.Gateway.Management.Diagnostics;
using Pico.Gateway.Management.Processes.Containment;

namespace Pico.Gateway.Management.Processes;

/// <summary>
/// Spawns with posix_spawn so the child starts in a process group of its own (the BCL's Process cannot), with stdin on /dev/null,
/// stdout and stderr on close-on-exec pipes, every signal reset to its default and an empty signal mask. Each run is contained as
/// <see cref="ContainmentSelector"/> decides (a cgroup, a tracked tree or the process group).
/// </summary>
internal sealed unsafe class UnixProcessLauncher : IGatewayProcessLauncher
{
    private readonly ILogger _logger;
    private readonly ContainmentSelector _containment;
    private readonly Lazy<bool> _shellMissing;

    public UnixProcessLauncher(ILogger? logger = null, ContainmentSelector? containment = null)
    {
        _logger = logger ?? NullLogger.Instance;
        _containment = containment ?? new ContainmentSelector(_logger);
        _shellMissing = new(() =>
        {
            // An image without a shell (distroless, scratch) still runs its gateway, without the hold: said once.
            var missing = !File.Exists(GatewayTrampoline.Shell);
            if (missing)
            {
                Log.ExecGateUnavailable(_logger, GatewayTrampoline.Shell);
            }

            return missing;
        });
    }

    public IGatewayProcess Start(GatewayProcessStartInfo startInfo, IGatewayOutputHandler output, bool held = false)
    {
        var (contained, tree) = _containment.Prepare(startInfo);
        ExecGate? gate = null;
        try
        {
            // The trampoline enters a cgroup and holds the exec; a run that needs neither execs the gateway directly. (Cgroup
            // containment is only chosen where the shell exists.)
            held &= tree.EntryFile is not null || !_shellMissing.Value;
            if (held || tree.EntryFile is not null)
            {
                contained = GatewayTrampoline.Wrap(contained, tree.EntryFile);
                gate = ExecGate.Create();
            }

            UnixGatewayProcess process;
            if (contained.OutputSpool is { } spool && OperatingSystem.IsLinux())
            {
                // A staged spool (a spare's) goes into place only when the process is let run, before its gate opens.
                var files = startInfo.StagedSpool ?? spool;
                var spooled = SpawnToSpool(contained, files, gate);
                gate?.CloseReadEnd();
                tree.Attach(spooled);
                var capture = SpoolCapture.FollowNew(files, startInfo.MaxLineLength, output, _logger);
                process = new UnixGatewayProcess(spooled, capture, tree, _logger, gate, startInfo.StagedSpool is null ? null : spool);
            }
            else
            {
                var (pid, stdoutRead, stderrRead) = Spawn(contained, gate);
                gate?.CloseReadEnd();
                tree.Attach(pid);
                process = new UnixGatewayProcess(pid, stdoutRead, stderrRead, startInfo.MaxLineLength, output, tree, _logger, gate);
            }

            if (!held)
            {
                process.LetRun();
            }

            return process;
        }
        catch
        {
            gate?.Dispose();
            tree.Release();
            throw;
        }
    }

    private static (int Pid, int StdoutRead, int StderrRead) Spawn(GatewayProcessStartInfo startInfo, ExecGate? gate)
    {
        var executable = ResolveExecutable(startInfo.ExecutablePath);
        var stdoutPipe = stackalloc int[2];
        var stderrPipe = stackalloc int[2];
        CreatePipe(stdoutPipe);
        try
        {
            CreatePipe(stderrPipe);
        }
        catch
        {
            CloseBoth(stdoutPipe);
            throw;
        }

        int pid;
        try
        {
            pid = Spawn(executable, startInfo, stdoutPipe[1], stderrPipe[1], gate);
        }
        catch
        {
            CloseBoth(stdoutPipe);
            CloseBoth(stderrPipe);
            throw;
        }

        // The child holds its own copies of the write ends; closing ours lets the readers see end of file when the group is gone.
        _ = LibC.close(stdoutPipe[1]);
        _ = LibC.close(stderrPipe[1]);
        return (pid, stdoutPipe[0], stderrPipe[0]);
    }

    /// <summary>Spawns with stdout and stderr on fresh append-only spool files: a write never fails because the host is gone.</summary>
    private static int SpawnToSpool(GatewayProcessStartInfo startInfo, string spool, ExecGate? gate)
    {
        var executable = ResolveExecutable(startInfo.ExecutablePath);
        var (stdout, stderr) = SpoolCapture.CreateForChild(spool);
        try
        {
            return Spawn(executable, startInfo, stdout, stderr, gate);
        }
        finally
        {
            _ = LibC.close(stdout);
            _ = LibC.close(stderr);
        }
    }

    private static string ResolveExecutable(string path)
    {
        // A path with a separator is relative to the host's directory, not to the child's working directory (posix_spawn resolves it after chdir).
        return path.Contains('/', StringComparison.Ordinal) ? Path.GetFullPath(path) : path;
    }

    internal static void CreatePipe(int* fds)
    {
        if (OperatingSystem.IsLinux())
        {
            if (LibC.pipe2(fds, LibC.O_CLOEXEC) != 0)
            {
                throw new GatewaySpawnException($"could not create a pipe: {Marshal.GetLastPInvokeErrorMessage()}");
            }

            return;
        }

        if (LibC.pipe(fds) != 0)
        {
            throw new GatewaySpawnException($"could not create a pipe: {Marshal.GetLastPInvokeErrorMessage()}");
        }

        _ = LibC.fcntl(fds[0], LibC.F_SETFD, LibC.FD_CLOEXEC);
        _ = LibC.fcntl(fds[1], LibC.F_SETFD, LibC.FD_CLOEXEC);
    }

    private static void CloseBoth(int* fds)
    {
        _ = LibC.close(fds[0]);
        _ = LibC.close(fds[1]);
    }

    private static int Spawn(string executable, GatewayProcessStartInfo startInfo, int stdoutWrite, int stderrWrite, ExecGate? gate)
    {
        var arguments = new List<string>(startInfo.Arguments.Count + 1) { executable };
        arguments.AddRange(startInfo.Arguments);
        var environment = GatewayEnvironment.Block(startInfo);

        using var strings = new NativeStrings();
        var argv = strings.Array(arguments);
        var envp = strings.Array(environment);
        var file = strings.Single(executable);
        var devNull = strings.Single("/dev/null");
        var workingDirectory = startInfo.WorkingDirectory is null ? null : strings.Single(Path.GetFullPath(startInfo.WorkingDirectory));

        var actions = NativeMemory.AllocZeroed(LibC.OpaqueStructSize);
        var attributes = NativeMemory.AllocZeroed(LibC.OpaqueStructSize);
        var signalSet = NativeMemory.AllocZeroed(LibC.OpaqueStructSize);
        try
        {
            Check(LibC.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
            Check(LibC.posix_spawnattr_init(attributes), "posix_spawnattr_init");
            try
            {
                Check(LibC.posix_spawn_file_actions_addopen(actions, 0, devNull, LibC.O_RDONLY, 0), "addopen");
                Check(LibC.posix_spawn_file_actions_adddup2(actions, stdoutWrite, 1), "adddup2");
                Check(LibC.posix_spawn_file_actions_adddup2(actions, stderrWrite, 2), "adddup2");
                if (gate is not null)
                {
                    // Last: a pipe end handed to the child as 1 or 2 may itself be descriptor 3, and is copied by then.
                    Check(LibC.posix_spawn_file_actions_adddup2(actions, gate.ReadEnd, ExecGate.ChildDescriptor), "adddup2");
                }
                if (workingDirectory is not null)
                {
                    Check(LibC.posix_spawn_file_actions_addchdir_np(actions, workingDirectory), "addchdir");
                }

                // The .NET runtime ignores SIGPIPE and may block signals; a gateway must start with the defaults a shell would give it.
                Check(LibC.sigfillset(signalSet), "sigfillset");
                Check(LibC.posix_spawnattr_setsigdefault(attributes, signalSet), "setsigdefault");
                Check(LibC.sigemptyset(signalSet), "sigemptyset");
                Check(LibC.posix_spawnattr_setsigmask(attributes, signalSet), "setsigmask");
                Check(LibC.posix_spawnattr_setpgroup(attributes, 0), "setpgroup");
                Check(
                    LibC.posix_spawnattr_setflags(attributes, (short)(LibC.POSIX_SPAWN_SETPGROUP | LibC.POSIX_SPAWN_SETSIGDEF | LibC.POSIX_SPAWN_SETSIGMASK)),
                    "setflags");

                int pid;
                var error = LibC.posix_spawnp(&pid, file, actions, attributes, argv, envp);
                if (error != 0)
                {
                    throw new GatewaySpawnException($"could not start '{startInfo.ExecutablePath}': {Marshal.GetPInvokeErrorMessage(error)}");
                }

                return pid;
            }
            finally
            {
                _ = LibC.posix_spawnattr_destroy(attributes);
                _ = LibC.posix_spawn_file_actions_destroy(actions);
            }
        }
        finally
        {
            NativeMemory.Free(actions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(signalSet);
        }
    }

    private static void Check(int error, string call)
    {
        if (error != 0)
        {
            throw new GatewaySpawnException($"{call} failed: {Marshal.GetPInvokeErrorMessage(error)}");
        }
    }

    /// <summary>Owns the NUL-terminated UTF-8 copies handed to posix_spawn.</summary>
    private sealed class NativeStrings : IDisposable
    {
        private readonly List<nint> _allocations = [];

        public byte* Single(string value)
        {
            var length = Encoding.UTF8.GetByteCount(value);
            var buffer = (byte*)NativeMemory.Alloc((nuint)length + 1);
            _allocations.Add((nint)buffer);
            Encoding.UTF8.GetBytes(value, new Span<byte>(buffer, length));
            buffer[length] = 0;
            return buffer;
        }

        public byte** Array(List<string> values)
        {
            var array = (byte**)NativeMemory.Alloc((nuint)(values.Count + 1), (nuint)sizeof(byte*));
            _allocations.Add((nint)array);
            for (var i = 0; i < values.Count; i++)
            {
                array[i] = Single(values[i]);
            }

            array[values.Count] = null;
            return array;
        }

        public void Dispose()
        {
            foreach (var allocation in _allocations)
            {
                NativeMemory.Free((void*)allocation);
            }
        }
    }
}
