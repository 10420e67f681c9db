using Pico.Gateway.Management.Benchmarks.Infrastructure;

namespace Pico.Gateway.Management.Benchmarks.Peers;

/// <summary>
/// The peers' log sink is a file: a flood's lines have landed when the file has grown by exactly the bytes the child wrote.
/// Polled every millisecond (bounded), so the landing time is known to about a millisecond on runs of 50 ms and more.
/// </summary>
internal static class LogFileWatch
{
    public static long ExpectedBytes(int lines)
    {
        long bytes = 0;
        for (var i = 1; i <= lines; i++)
        {
            bytes += "line ".Length + i.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + 1;
        }

        return bytes;
    }

    public static long Size(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    /// <summary>Waits until the file holds <paramref name="target"/> bytes: the stamp when it did, or null if it stopped growing short of it.</summary>
    public static async Task<long?> WaitForSizeAsync(string path, long target, Task childExited, TimeSpan timeout)
    {
        var deadline = Clock.Now() + (long)timeout.TotalNanoseconds;
        long lastSize = -1;
        var lastGrowth = Clock.Now();
        while (Clock.Now() < deadline)
        {
            var size = Size(path);
            if (size >= target)
            {
                return Clock.Now();
            }

            if (size != lastSize)
            {
                lastSize = size;
                lastGrowth = Clock.Now();
            }
            else if (childExited.IsCompleted && Clock.Now() - lastGrowth > 3_000_000_000)
            {
                return null; // the child is gone and nothing arrived for 3 s: the rest is lost
            }

            await Task.Delay(1);
        }

        return null;
    }

    /// <summary>Counts the complete lines from <paramref name="offset"/> to the end of the file.</summary>
    public static long CountLines(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(offset, SeekOrigin.Begin);
        var buffer = new byte[1 << 20];
        long lines = 0;
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }

        return lines;
    }
}
