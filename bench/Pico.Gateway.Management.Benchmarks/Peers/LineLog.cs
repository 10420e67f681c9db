using System.Globalization;
using Pico.Gateway.Management.Benchmarks.Infrastructure;

namespace Pico.Gateway.Management.Benchmarks.Peers;

/// <summary>
/// Stamped lines ("ns rest...") written by a peer's event listener or driver. The stamp in the line is the measurement; how soon the
/// harness notices the line (it polls a file every millisecond, or reads a pipe) is not.
/// </summary>
internal sealed class LineLog
{
    private readonly Lock _gate = new();
    private readonly List<(long Stamp, string Text)> _lines = [];
    private readonly string? _file;
    private long _fileOffset;
    private string _partial = string.Empty;

    public LineLog(string? file = null) => _file = file;

    public int Count
    {
        get
        {
            Refresh();
            lock (_gate)
            {
                return _lines.Count;
            }
        }
    }

    public void Add(long stamp, string text)
    {
        lock (_gate)
        {
            _lines.Add((stamp, text));
        }
    }

    /// <summary>The first line at or after <paramref name="from"/> that matches; waits (bounded) for it to appear.</summary>
    public async Task<(long Stamp, string Text)> WaitAsync(int from, Func<string, bool> match, TimeSpan? timeout = null)
    {
        var deadline = Clock.Now() + (long)(timeout ?? TimeSpan.FromSeconds(30)).TotalNanoseconds;
        while (true)
        {
            Refresh();
            lock (_gate)
            {
                for (var i = from; i < _lines.Count; i++)
                {
                    if (match(_lines[i].Text))
                    {
                        return _lines[i];
                    }
                }
            }

            if (Clock.Now() > deadline)
            {
                throw new TimeoutException($"no matching line after #{from}: {string.Join(" | ", Tail())}");
            }

            await Task.Delay(1);
        }
    }

    private IEnumerable<string> Tail()
    {
        lock (_gate)
        {
            return _lines.Skip(Math.Max(0, _lines.Count - 5)).Select(line => line.Text).ToArray();
        }
    }

    private void Refresh()
    {
        if (_file is null || !File.Exists(_file))
        {
            return;
        }

        using var stream = new FileStream(_file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (stream.Length <= _fileOffset)
        {
            return;
        }

        stream.Seek(_fileOffset, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        var text = _partial + reader.ReadToEnd();
        _fileOffset = stream.Length;
        var lines = text.Split('\n');
        _partial = lines[^1];
        foreach (var line in lines[..^1])
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            Add(long.Parse(line[..space], CultureInfo.InvariantCulture), line[(space + 1)..]);
        }
    }
}
