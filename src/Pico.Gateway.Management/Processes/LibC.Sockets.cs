using System.Runtime.InteropServices;

namespace Pico.Gateway.Management.Processes;

/// <summary>The Linux socket calls of the held-port check: a bind, with SO_REUSEADDR alone (the BCL's ReuseAddress adds SO_REUSEPORT).</summary>
internal static unsafe partial class LibC
{
    public const int AF_INET = 2;
    public const int AF_INET6 = 10;
    public const int SOCK_STREAM = 1;
    public const int SOCK_CLOEXEC = 0x80000;
    public const int SOL_SOCKET = 1;
    public const int SO_REUSEADDR = 2;
    public const int EACCES = 13;
    public const int EADDRINUSE = 98;
    public const int EADDRNOTAVAIL = 99;

    [LibraryImport(Library, SetLastError = true)]
    public static partial int socket(int domain, int type, int protocol);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int setsockopt(int fd, int level, int name, int* value, uint length);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int bind(int fd, byte* address, uint length);
}
