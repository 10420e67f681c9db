using System.Runtime.InteropServices;

namespace Pico.Gateway.Management.Processes;

/// <summary>The Linux netlink calls of the listener lookup: a sock_diag socket, a dump request sent to the kernel, its reply read.</summary>
internal static unsafe partial class LibC
{
    public const int AF_NETLINK = 16;
    public const int SOCK_RAW = 3;
    public const int NETLINK_SOCK_DIAG = 4;
    public const int MSG_TRUNC = 0x20;
    public const int EPROTONOSUPPORT = 93;
    public const int EAFNOSUPPORT = 97;

    [LibraryImport(Library, SetLastError = true)]
    public static partial nint send(int fd, byte* buffer, nint length, int flags);

    [LibraryImport(Library, SetLastError = true)]
    public static partial nint recv(int fd, byte* buffer, nint length, int flags);
}
