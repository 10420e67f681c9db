using System.Runtime.InteropServices;

namespace Pico.Gateway.Management.Processes;

/// <summary>The libc calls for output spool files (Linux only): append-only files and hole punching to bound them (inotify is in LibC.Containment.cs).</summary>
internal static unsafe partial class LibC
{
    public const int O_WRONLY = 1;
    public const int O_TRUNC_Linux = 0x200;
    public const int O_APPEND_Linux = 0x400;
    public const int O_CREAT_Linux = 0x40;
    public const int IN_CLOEXEC = 0x80000;
    public const int IN_NONBLOCK = 0x800;
    public const int FALLOC_FL_KEEP_SIZE = 0x1;
    public const int FALLOC_FL_PUNCH_HOLE = 0x2;

    [LibraryImport(Library, SetLastError = true)]
    public static partial int fallocate(int fd, int mode, long offset, long length);
}
