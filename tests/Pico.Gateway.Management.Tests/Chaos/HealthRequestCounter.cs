namespace Pico.Gateway.Management.Tests.Chaos;

/// <summary>Counts the health requests the child logs, so a flap can wait until probes have seen it instead of waiting a fixed time.</summary>
internal sealed class HealthRequestCounter : ILogSink
{
    private readonly Lock _gate = new();
    private long _count;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    public void Write(in GatewayLogLine line)
    {
        if (!line.Text.StartsWith("request GET /health", StringComparison.Ordinal))
        {
            return;
        }

        lock (_gate)
        {
            _count++;
            var previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            previous.TrySetResult();
        }
    }

    /// <summary>Waits until the count reaches <paramref name="count"/>; false when <paramref name="guard"/> passes first (no child is being probed).</summary>
    public async Task<bool> WaitForAsync(long count, TimeSpan guard)
    {
        using var timeout = new CancellationTokenSource(guard);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_count >= count)
                {
                    return true;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }
}
