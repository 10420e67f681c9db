namespace Pico.Gateway.Management.Tests.Chaos;

/// <summary>Counts the health requests the child logs, so a flap can wait until probes have seen it instead of waiting a fixed time.</summary>
internal sealed class HealthRequestCounter : ILogSink
{
    private readonly Lock _gate = new();
    private long _count;
    private readonly ChangeSignal _changed = new();

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
        }

        _changed.Pulse();
    }

    /// <summary>Waits until the count reaches <paramref name="count"/>; false when <paramref name="guard"/> passes first (no child is being probed).</summary>
    public Task<bool> WaitForAsync(long count, TimeSpan guard) => _changed.WaitUntilAsync(() => Count >= count, guard);
}
