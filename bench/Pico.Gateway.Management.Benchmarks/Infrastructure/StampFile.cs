using System.Globalization;

namespace Pico.Gateway.Management.Benchmarks.Infrastructure;

/// <summary>Reads the "name nanoseconds pid" lines the bench child appends to its stamps file.</summary>
internal sealed class StampFile(string path)
{
    public string Path { get; } = path;

    public void Reset() => File.WriteAllText(Path, string.Empty);

    public long? TryGet(string name, int pid)
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        foreach (var line in File.ReadLines(Path))
        {
            var parts = line.Split(' ');
            if (parts.Length == 3 && parts[0] == name && int.Parse(parts[2], CultureInfo.InvariantCulture) == pid)
            {
                return long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    public long? TryGetLatest(string name, out int pid)
    {
        pid = 0;
        long? found = null;
        if (!File.Exists(Path))
        {
            return null;
        }

        foreach (var line in File.ReadLines(Path))
        {
            var parts = line.Split(' ');
            if (parts.Length == 3 && parts[0] == name)
            {
                found = long.Parse(parts[1], CultureInfo.InvariantCulture);
                pid = int.Parse(parts[2], CultureInfo.InvariantCulture);
            }
        }

        return found;
    }

    /// <summary>Waits (bounded) for a stamp the child writes after the fact; the value, not the wait, is what is measured.</summary>
    public async Task<long> WaitAsync(string name, int pid, TimeSpan? timeout = null)
    {
        var deadline = Clock.Now() + (long)(timeout ?? TimeSpan.FromSeconds(30)).TotalNanoseconds;
        while (true)
        {
            if (TryGet(name, pid) is { } stamp)
            {
                return stamp;
            }

            if (Clock.Now() > deadline)
            {
                throw new TimeoutException($"no '{name}' stamp from pid {pid} in {Path}");
            }

            await Task.Delay(2);
        }
    }
}
