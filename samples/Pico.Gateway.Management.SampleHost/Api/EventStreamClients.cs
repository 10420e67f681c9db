using System.Diagnostics.Metrics;

namespace Pico.Gateway.Management.SampleHost.Api;

/// <summary>
/// Counts the connected <c>/api/gateway/events</c> clients. A client is counted from the moment it subscribed to the manager's
/// events until its subscription was disposed, so a count back at 0 proves no subscription leaked. Clients dropped for
/// falling behind are counted too, in <see cref="DroppedCount"/> and the metric <c>pico.sample_host.event_stream.dropped</c>
/// (meter <c>Pico.Gateway.Management.SampleHost</c>).
/// </summary>
public sealed class EventStreamClients
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Pico.Gateway.Management.SampleHost";

    private readonly Lock _gate = new();
    private readonly Counter<long>? _dropped;
    private int _count;
    private long _droppedCount;

    /// <summary>Initializes a new instance of the <see cref="EventStreamClients"/> class.</summary>
    /// <param name="meterFactory">Creates the meter for the dropped-client count; none when <see langword="null"/>.</param>
    public EventStreamClients(IMeterFactory? meterFactory = null)
    {
        _dropped = meterFactory?.Create(MeterName).CreateCounter<long>(
            "pico.sample_host.event_stream.dropped",
            "{client}",
            "Event-stream clients dropped because they fell too far behind (messages or unsent bytes)");
    }

    /// <summary>Gets the number of clients dropped because they fell too far behind.</summary>
    public long DroppedCount => Interlocked.Read(ref _droppedCount);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets the number of connected clients.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Waits until exactly <paramref name="count"/> clients are connected: completes at once if they already are.</summary>
    /// <param name="count">The count to wait for.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the count is reached.</returns>
    public async Task WaitForCountAsync(int count, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_count == count)
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    internal void Connected() => Change(+1);

    internal void Dropped()
    {
        Interlocked.Increment(ref _droppedCount);
        _dropped?.Add(1);
    }

    internal void Disconnected() => Change(-1);

    private void Change(int delta)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _count += delta;
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
