using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// An exclusive <c>flock</c> on a lock file beside the pid file, held for as long as this host supervises the gateway. The
/// kernel releases it when the host dies, however it dies, so exactly one live host owns a gateway at a time. The file holds
/// the owner's pid, so a host that cannot take the lock can say who has it. The descriptor is close-on-exec: a gateway
/// must never inherit it, or the lock would outlive its host.
/// </summary>
internal sealed unsafe class GatewayOwnershipLock(string path) : IDisposable
{
    private readonly Lock _gate = new();
    private int _fd = -1;

    public string Path { get; } = path;

    public bool IsHeld
    {
        get
        {
            lock (_gate)
            {
                return _fd >= 0;
            }
        }
    }

    /// <summary>Takes the lock if it is free; otherwise reports the pid of the host that holds it (when it said so).</summary>
    public bool TryAcquire(out int? ownerProcessId)
    {
        ownerProcessId = null;
        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        lock (_gate)
        {
            if (_fd >= 0)
            {
                return true;
            }

            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
            var fd = LibC.open(Path, LibC.O_RDWR | LibC.O_CREAT | LibC.O_CLOEXEC, 0x180);
            if (fd < 0)
            {
                throw new IOException($"could not open the ownership lock {Path}: errno {Marshal.GetLastPInvokeError()}");
            }

            if (LibC.flock(fd, LibC.LOCK_EX | LibC.LOCK_NB) != 0)
            {
                ownerProcessId = ReadOwner(fd);
                _ = LibC.close(fd);
                return false;
            }

            WriteOwner(fd);
            _fd = fd;
            return true;
        }
    }

    /// <summary>Releases the lock (closing the descriptor is what releases it).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_fd >= 0)
            {
                _ = LibC.ftruncate(_fd, 0);
                _ = LibC.close(_fd);
                _fd = -1;
            }
        }
    }

    private static int? ReadOwner(int fd)
    {
        var buffer = stackalloc byte[32];
        var count = LibC.pread(fd, buffer, 32, 0);
        return count > 0 && int.TryParse(Encoding.ASCII.GetString(buffer, (int)count).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? pid
            : null;
    }

    private static void WriteOwner(int fd)
    {
        var text = Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        _ = LibC.ftruncate(fd, 0);
        fixed (byte* bytes = text)
        {
            _ = LibC.pwrite(fd, bytes, text.Length, 0);
        }
    }
}
