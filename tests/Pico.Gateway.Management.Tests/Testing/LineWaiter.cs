namespace Pico.Gateway.Management.Tests.Testing;

/// <summary>A log sink that lets a test wait for a line the child prints, its signal that it reached a state.</summary>
internal sealed class LineWaiter : ILogSink
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

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
            var previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            previous.TrySetResult();
        }
    }

    public async Task<string> WaitForAsync(Func<string, bool> predicate)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                var match = _lines.FirstOrDefault(predicate);
                if (match is not null)
                {
                    return match;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"timed out waiting for a line; saw: {string.Join(" | ", _lines.TakeLast(10))}");
            }
        }
    }

    public Task<string> WaitForPrefixAsync(string prefix) => WaitForAsync(line => line.StartsWith(prefix, StringComparison.Ordinal));
}
