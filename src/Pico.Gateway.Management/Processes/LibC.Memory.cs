using System.Runtime.InteropServices;

namespace Pico.Gateway.Management.Processes;

/// <summary>Anonymous mappings: memory that goes back to the kernel the moment it is unmapped, whatever the allocator would keep.</summary>
internal static unsafe partial class LibC
{
    public const int PROT_READ = 1;
    public const int PROT_WRITE = 2;
    public const int MAP_PRIVATE = 2;

    public static int MAP_ANONYMOUS => OperatingSystem.IsLinux() ? 0x20 : 0x1000;

    public static readonly nint MAP_FAILED = -1;

    [LibraryImport(Library, SetLastError = true)]
    public static partial nint mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int munmap(nint address, nuint length);
}
