using System.Runtime.InteropServices;

namespace Pico.Gateway.Management.Processes;

/// <summary>The libc calls the BCL has no API for: spawning into a new process group, signalling a group, and waiting without reaping.</summary>
internal static unsafe partial class LibC
{
    private const string Library = "libc";

    public const int SIGKILL = 9;
    public const int SIGTERM = 15;
    public const int EINTR = 4;
    public const int ESRCH = 3;
    public const int ECHILD = 10;
    public const int POSIX_SPAWN_SETPGROUP = 0x02;
    public const int POSIX_SPAWN_SETSIGDEF = 0x04;
    public const int POSIX_SPAWN_SETSIGMASK = 0x08;
    public const int O_RDONLY = 0;
    public const int P_PID = 1;
    public const int F_SETFD = 2;

    /// <summary>fcntl: duplicate to the lowest free descriptor at or above the argument, close-on-exec.</summary>
    public static int F_DUPFD_CLOEXEC => OperatingSystem.IsLinux() ? 1030 : 67;
    public const int FD_CLOEXEC = 1;

    /// <summary>Large enough for posix_spawnattr_t, posix_spawn_file_actions_t and sigset_t on glibc, musl and macOS.</summary>
    public const int OpaqueStructSize = 1024;

    public static int O_CLOEXEC => OperatingSystem.IsLinux() ? 0x80000 : 0x1000000;

    public static int WEXITED => 4;

    public static int WNOWAIT => OperatingSystem.IsLinux() ? 0x01000000 : 0x20;

    [LibraryImport(Library, SetLastError = true)]
    public static partial int pipe2(int* fds, int flags);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int pipe(int* fds);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int fcntl(int fd, int command, int argument);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport(Library, SetLastError = true)]
    public static partial nint read(int fd, byte* buffer, nint count);

    /// <summary>
    /// <see cref="read"/> with its errno taken at once (0 unless it returned -1): the saved errno is replaced by the next P/Invoke,
    /// so code that does anything between the read and the check (giving back a buffer that unmaps) must not read it later.
    /// </summary>
    public static nint Read(int fd, byte* buffer, nint count, out int error)
    {
        var result = read(fd, buffer, count);
        error = result < 0 ? Marshal.GetLastPInvokeError() : 0;
        return result;
    }

    [LibraryImport(Library, SetLastError = true)]
    public static partial int kill(int pid, int signal);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int waitid(int idType, int id, byte* info, int options);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int waitpid(int pid, int* status, int options);

    public const short POLLIN = 0x001;

    [LibraryImport(Library, SetLastError = true)]
    public static partial int pidfd_open(int pid, uint flags);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int poll(PollFd* fds, nuint count, int timeout);

    /// <summary>Linux only: poll with a timeout finer than a millisecond (a null signal mask leaves the thread's mask alone).</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial int ppoll(PollFd* fds, nuint count, Timespec* timeout, void* signalMask);

    /// <summary>The errno of a read that would block on a non-blocking descriptor (EAGAIN, which is EWOULDBLOCK on Linux and macOS).</summary>
    public static int ReadWouldBlock => OperatingSystem.IsLinux() ? 11 : 35;

    [LibraryImport(Library)]
    public static partial int posix_spawn_file_actions_init(void* actions);

    [LibraryImport(Library)]
    public static partial int posix_spawn_file_actions_destroy(void* actions);

    [LibraryImport(Library)]
    public static partial int posix_spawn_file_actions_adddup2(void* actions, int fd, int newFd);

    [LibraryImport(Library)]
    public static partial int posix_spawn_file_actions_addopen(void* actions, int fd, byte* path, int flags, int mode);

    [LibraryImport(Library)]
    public static partial int posix_spawn_file_actions_addchdir_np(void* actions, byte* path);

    [LibraryImport(Library)]
    public static partial int posix_spawnattr_init(void* attributes);

    [LibraryImport(Library)]
    public static partial int posix_spawnattr_destroy(void* attributes);

    [LibraryImport(Library)]
    public static partial int posix_spawnattr_setflags(void* attributes, short flags);

    [LibraryImport(Library)]
    public static partial int posix_spawnattr_setpgroup(void* attributes, int processGroup);

    [LibraryImport(Library)]
    public static partial int posix_spawnattr_setsigmask(void* attributes, void* mask);

    [LibraryImport(Library)]
    public static partial int posix_spawnattr_setsigdefault(void* attributes, void* signals);

    [LibraryImport(Library)]
    public static partial int sigemptyset(void* set);

    [LibraryImport(Library)]
    public static partial int sigfillset(void* set);

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short ReturnedEvents;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public nint Seconds;
        public nint Nanoseconds;
    }

    [LibraryImport(Library)]
    public static partial int posix_spawnp(int* pid, byte* file, void* actions, void* attributes, byte** argv, byte** envp);
}
