using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Pico.Gateway.Management.Processes.Containment;

/// <summary>One run's cgroup v2 directory: its members, its kill and freeze switches, and its populated state, watched through inotify.</summary>
internal sealed class CgroupDirectory(string path)
{
    public string Path { get; } = path;

    public string ProcsFile => System.IO.Path.Combine(Path, "cgroup.procs");

    /// <summary>Gets a value indicating whether the kernel has cgroup.kill (5.14+), which kills every member at once, forks included.</summary>
    public bool HasKillFile => File.Exists(System.IO.Path.Combine(Path, "cgroup.kill"));

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

    /// <summary>Blocks until cgroup.events says <paramref name="key"/> is <paramref name="value"/> or the deadline passes; inotify wakes it, nothing polls.</summary>
    public unsafe bool WaitForEvent(string key, string value, long deadlineTicks)
    {
        var inotify = LibC.inotify_init1(LibC.O_CLOEXEC);
        if (inotify < 0)
        {
            return ReadEvent(key) == value;
        }

        try
        {
            // Watch first, read second: a change between the two would otherwise go unnoticed.
            if (LibC.inotify_add_watch(inotify, System.IO.Path.Combine(Path, "cgroup.events"), LibC.IN_MODIFY) < 0)
            {
                return ReadEvent(key) == value;
            }

            var buffer = stackalloc byte[4096];
            while (true)
            {
                var current = ReadEvent(key);
                if (current is null || current == value)
                {
                    // A cgroup that is gone has no members either.
                    return current == value || key == "populated";
                }

                var timeout = (int)Math.Clamp(deadlineTicks - Environment.TickCount64, 0, int.MaxValue);
                if (timeout == 0)
                {
                    return false;
                }

                var entry = new LibC.PollFd { Fd = inotify, Events = LibC.POLLIN };
                var ready = LibC.poll(&entry, 1, timeout);
                if (ready > 0)
                {
                    _ = LibC.read(inotify, buffer, 4096);
                }
                else if (ready < 0 && Marshal.GetLastPInvokeError() != LibC.EINTR)
                {
                    return ReadEvent(key) == value;
                }
            }
        }
        finally
        {
            _ = LibC.close(inotify);
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
