using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Pico.Gateway.Management.Processes.Containment;

/// <summary>One run's cgroup v2 directory: its members, its kill and freeze switches, and its populated state, which the kernel signals.</summary>
internal sealed class CgroupDirectory(string path)
{
    // cgroup.events holds two short lines ("populated 0", "frozen 0").
    private const int EventsBufferBytes = 256;

    public string Path { get; } = path;

    public string ProcsFile => System.IO.Path.Combine(Path, "cgroup.procs");

    /// <summary>Gets a value indicating whether the kernel has cgroup.kill (5.14+), which kills every member at once, forks included.</summary>
    public bool HasKillFile => File.Exists(System.IO.Path.Combine(Path, "cgroup.kill"));

    /// <summary>
    /// The cgroup id of the cgroup v2 directory at <paramref name="path"/>, which is its inode number in the cgroup2 file system (what
    /// sock_diag reports as a socket's INET_DIAG_CGROUP_ID); 0 when it cannot be read.
    /// </summary>
    public static unsafe ulong IdOf(string path)
    {
        var buffer = stackalloc byte[LibC.StatxSize];
        return OperatingSystem.IsLinux() && LibC.statx(LibC.AT_FDCWD, path, 0, LibC.STATX_INO, buffer) == 0
            ? *(ulong*)(buffer + LibC.StatxInoOffset)
            : 0;
    }

    public static CgroupDirectory Create(string path)
    {
        Directory.CreateDirectory(path);
        return new CgroupDirectory(path);
    }

    public List<int> ReadMembers()
    {
        var members = new List<int>();
        string text;
        try
        {
            text = File.ReadAllText(ProcsFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return members;
        }

        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                members.Add(pid);
            }
        }

        return members;
    }

    /// <summary>Kills every member, including one forking right now: cgroup.kill, or on older kernels freeze, kill each, thaw.</summary>
    public void KillMembers(bool useKillFile)
    {
        if (useKillFile)
        {
            Write("cgroup.kill", "1");
            return;
        }

        // A frozen member can neither fork nor exit, so the list read below is complete and none of its pids can be recycled.
        Write("cgroup.freeze", "1");
        _ = WaitForEvent("frozen", "1", Environment.TickCount64 + 1000);
        foreach (var pid in ReadMembers())
        {
            _ = LibC.kill(pid, LibC.SIGKILL);
        }

        // SIGKILL ends frozen tasks in cgroup v2; thawing lets anything that raced in be seen and killed by the caller's next round.
        Write("cgroup.freeze", "0");
    }

    public bool IsPopulated() => ReadEvent("populated") != "0";

    /// <summary>
    /// Blocks until cgroup.events says <paramref name="key"/> is <paramref name="value"/> or the deadline passes. The kernel wakes
    /// it (a change of the file raises POLLPRI on an open descriptor), nothing polls.
    /// </summary>
    /// <remarks>
    /// Not inotify: closing an inotify instance that had a watch waits for the kernel's fsnotify grace period (10-25 ms measured),
    /// and this wait sits between a gateway's exit and its publication. A kernfs file notes what it had shown at each read and
    /// reports POLLPRI once it changed since, so reading first and waiting second cannot miss a change.
    /// </remarks>
    public unsafe bool WaitForEvent(string key, string value, long deadlineTicks)
    {
        var fd = LibC.open(System.IO.Path.Combine(Path, "cgroup.events"), LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        if (fd < 0)
        {
            // A cgroup that is gone has no members either.
            return key == "populated";
        }

        try
        {
            var buffer = stackalloc byte[EventsBufferBytes];
            while (true)
            {
                var current = ReadEvent(fd, buffer, key);
                if (current is null || current == value)
                {
                    return current == value || key == "populated";
                }

                var timeout = (int)Math.Clamp(deadlineTicks - Environment.TickCount64, 0, int.MaxValue);
                if (timeout == 0)
                {
                    return false;
                }

                var entry = new LibC.PollFd { Fd = fd, Events = LibC.POLLPRI };
                if (LibC.poll(&entry, 1, timeout) < 0 && Marshal.GetLastPInvokeError() != LibC.EINTR)
                {
                    return ReadEvent(fd, buffer, key) == value;
                }
            }
        }
        finally
        {
            _ = LibC.close(fd);
        }
    }

    /// <summary>Removes the cgroup; only an empty one can be removed. Returns false if it still has members.</summary>
    public bool TryRemove(out string? error)
    {
        try
        {
            Directory.Delete(Path);
            error = null;
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = ex.Message;
            return false;
        }
    }

    /// <summary>Reads the file again from its start (which also marks what was seen, for the next POLLPRI) and returns the key's value.</summary>
    private static unsafe string? ReadEvent(int fd, byte* buffer, string key)
    {
        nint count;
        do
        {
            count = LibC.pread(fd, buffer, EventsBufferBytes, 0);
        }
        while (count < 0 && Marshal.GetLastPInvokeError() == LibC.EINTR);

        if (count <= 0)
        {
            // Removed meanwhile: the kernel answers ENODEV.
            return null;
        }

        foreach (var line in Encoding.ASCII.GetString(buffer, (int)count).Split('\n'))
        {
            if (line.StartsWith(key + " ", StringComparison.Ordinal))
            {
                return line[(key.Length + 1)..].Trim();
            }
        }

        return null;
    }

    private string? ReadEvent(string key)
    {
        try
        {
            foreach (var line in File.ReadAllLines(System.IO.Path.Combine(Path, "cgroup.events")))
            {
                if (line.StartsWith(key + " ", StringComparison.Ordinal))
                {
                    return line[(key.Length + 1)..].Trim();
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    }

    private void Write(string file, string value)
    {
        // cgroup files are written in place: FileMode.Open, never Create or Truncate.
        using var stream = new FileStream(System.IO.Path.Combine(Path, file), FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1, FileOptions.None);
        stream.Write(Encoding.ASCII.GetBytes(value));
    }
}
