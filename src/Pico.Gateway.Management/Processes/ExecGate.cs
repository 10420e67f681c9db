namespace Pico.Gateway.Management.Processes;

/// <summary>
/// Holds a spawned <see cref="GatewayTrampoline"/> before its exec: a pipe whose read end the child has as descriptor 3. The host
/// opens it by writing one line once the spawn is recorded; until then, the kernel closing the write end (the host died, or the
/// run was given up) makes the trampoline exit without running the gateway.
/// </summary>
internal sealed unsafe class ExecGate : IDisposable
{
    /// <summary>The descriptor the child reads the gate from (the trampoline's script names it).</summary>
    public const int ChildDescriptor = 3;

    private const int FirstFreeDescriptor = 10;

    private int _write;

    private ExecGate(int read, int write)
    {
        ReadEnd = read;
        _write = write;
    }

    /// <summary>Gets the read end, for the child only: <see cref="CloseReadEnd"/> once the child has its copy.</summary>
    public int ReadEnd { get; private set; }

    /// <summary>Creates the pipe, close-on-exec on both ends (a concurrent spawn must not inherit it).</summary>
    public static ExecGate Create()
    {
        var fds = stackalloc int[2];
        UnixProcessLauncher.CreatePipe(fds);

        // The read end is moved above the descriptors the child is given: posix_spawn's dup2 onto the same number keeps
        // close-on-exec on some C libraries (3), and a host started with stdin closed would get 0, which /dev/null then replaces.
        var read = LibC.fcntl(fds[0], LibC.F_DUPFD_CLOEXEC, FirstFreeDescriptor);
        _ = LibC.close(fds[0]);
        if (read < 0)
        {
            _ = LibC.close(fds[1]);
            throw new GatewaySpawnException("could not create the exec gate: " + System.Runtime.InteropServices.Marshal.GetLastPInvokeErrorMessage());
        }

        return new ExecGate(read, fds[1]);
    }

    /// <summary>Closes this process's copy of the read end once the child has its own.</summary>
    public void CloseReadEnd()
    {
        if (ReadEnd >= 0)
        {
            _ = LibC.close(ReadEnd);
            ReadEnd = -1;
        }
    }

    /// <summary>Lets the trampoline exec the gateway. A trampoline already gone makes the write fail with EPIPE, which changes nothing.</summary>
    public void Open()
    {
        var write = Interlocked.Exchange(ref _write, -1);
        if (write >= 0)
        {
            var line = (byte)'\n';
            _ = LibC.write(write, &line, 1);
            _ = LibC.close(write);
        }
    }

    /// <summary>Closes what is still open: a trampoline never let through reads end of file and exits.</summary>
    public void Dispose()
    {
        CloseReadEnd();
        var write = Interlocked.Exchange(ref _write, -1);
        if (write >= 0)
        {
            _ = LibC.close(write);
        }
    }
}
