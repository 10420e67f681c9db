namespace Pico.Gateway.Management.Logs;

/// <summary>
/// The last few lines a run wrote to stderr (at most <see cref="MaxLines"/>, <see cref="MaxChars"/> characters in all), so an exit
/// says why in the gateway's own words, as supervisord's "process log may have details" never did.
/// </summary>
internal sealed class StderrTail
{
    public const int MaxLines = 5;
    public const int MaxChars = 1024;

    private readonly Queue<string> _lines = new(MaxLines);
    private readonly Lock _gate = new();
    private int _chars;

    public void Add(string line)
    {
        // One long line must not push out every other: each is cut to the whole budget.
        var kept = line.Length > MaxChars ? line[..MaxChars] : line;
        lock (_gate)
        {
            _lines.Enqueue(kept);
            _chars += kept.Length;
            while (_lines.Count > MaxLines || (_chars > MaxChars && _lines.Count > 1))
            {
                _chars -= _lines.Dequeue().Length;
            }
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _lines.Clear();
            _chars = 0;
        }
    }

    /// <summary>The lines, oldest first, or null when there were none.</summary>
    public IReadOnlyList<string>? Snapshot()
    {
        lock (_gate)
        {
            return _lines.Count == 0 ? null : [.. _lines];
        }
    }
}
