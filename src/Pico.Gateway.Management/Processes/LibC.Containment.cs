using System.Runtime.InteropServices;

namespace Pico.Gateway.Management.Processes;

/// <summary>The Linux calls containment needs: watching cgroup.events and spool files without polling, and signalling a process through a pidfd.</summary>
internal static unsafe partial class LibC
{
    public const int EAGAIN = 11;
    public const int ENOSYS = 38;
    public const int X_OK = 1;
    public const int IN_MODIFY = 0x2;
    public const int F_GETFL = 3;
    public const int F_SETFL = 4;
    public const short POLLPRI = 0x002;
    public const short POLLHUP = 0x010;

    public static int O_NONBLOCK => OperatingSystem.IsLinux() ? 0x800 : 0x4;

    [LibraryImport(Library, SetLastError = true)]
    public static partial int inotify_init1(int flags);

    [LibraryImport(Library, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int inotify_add_watch(int fd, string path, uint mask);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int pidfd_send_signal(int pidfd, int signal, void* info, uint flags);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int getpgid(int pid);

    [LibraryImport(Library, SetLastError = true)]
    public static partial nint write(int fd, byte* buffer, nint count);

    [LibraryImport(Library, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int access(string path, int mode);
}
