namespace Pico.Gateway.Management.Tests.Testing;

/// <summary>A log sink that lets a test wait for a line the child prints, its signal that it reached a state.</summary>
internal sealed class LineWaiter : ILogSink
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly ChangeSignal _changed = new();

    private readonly string?[] _lastByStream = new string?[3];

    public string? LastOf(GatewayLogStream stream) => Volatile.Read(ref _lastByStream[(int)stream]);

    public void Write(in GatewayLogLine line)
    {
        Volatile.Write(ref _lastByStream[(int)line.Stream], line.Text);
        if (line.Text.Length > 200)
        {
            return;
        }

        lock (_gate)
        {
            _lines.Add(line.Text);
        }

        _changed.Pulse();
    }

    public async Task<string> WaitForAsync(Func<string, bool> predicate)
    {
        string? match = null;
        var found = await _changed.WaitUntilAsync(
            () =>
            {
                lock (_gate)
                {
                    match = _lines.FirstOrDefault(predicate);
                    return match is not null;
                }
            },
            TimeSpan.FromSeconds(15));
        Assert.True(found, $"timed out waiting for a line; saw: {string.Join(" | ", Recent())}");
        return match!;
    }

    private string[] Recent()
    {
        lock (_gate)
        {
            return [.. _lines.TakeLast(10)];
        }
    }

    public Task<string> WaitForPrefixAsync(string prefix) => WaitForAsync(line => line.StartsWith(prefix, StringComparison.Ordinal));
}
