using System.Runtime.InteropServices;

namespace Pico.Gateway.Management.Processes;

/// <summary>The libc calls for the ownership lock and for trusting a pid file: open, flock, statx, geteuid.</summary>
internal static unsafe partial class LibC
{
    public const int O_RDWR = 2;
    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;
    public const int EWOULDBLOCK = 11;
    public const int AT_FDCWD = -100;
    public const int STATX_MODE = 0x2;
    public const int STATX_UID = 0x8;
    public const int STATX_INO = 0x100;

    // struct statx has one layout on every Linux architecture: stx_uid at byte 20, stx_mode at byte 28, stx_ino at byte 32.
    public const int StatxSize = 256;
    public const int StatxUidOffset = 20;
    public const int StatxModeOffset = 28;
    public const int StatxInoOffset = 32;

    public static int O_CREAT => OperatingSystem.IsLinux() ? 0x40 : 0x200;

    [LibraryImport(Library, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags, int mode);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int flock(int fd, int operation);

    [LibraryImport(Library, SetLastError = true)]
    public static partial nint pread(int fd, byte* buffer, nint count, long offset);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int ftruncate(int fd, long length);

    [LibraryImport(Library, SetLastError = true)]
    public static partial nint pwrite(int fd, byte* buffer, nint count, long offset);

    [LibraryImport(Library, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int statx(int directoryFd, string path, int flags, int mask, byte* buffer);

    [LibraryImport(Library)]
    public static partial uint geteuid();
}
