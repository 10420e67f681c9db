namespace Pico.Gateway.Management.Benchmarks.Infrastructure;

/// <summary>A subscriber that stamps every event as it is delivered (CLOCK_MONOTONIC) and lets the harness wait for one.</summary>
internal sealed class EventWatcher : IObserver<GatewayEvent>
{
    private readonly Lock _gate = new();
    private readonly List<(GatewayEvent Event, long Stamp)> _events = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void OnNext(GatewayEvent value)
    {
        var stamp = Clock.Now();
        TaskCompletionSource changed;
        lock (_gate)
        {
            _events.Add((value, stamp));
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }

    /// <summary>The first event after <paramref name="afterSequence"/> that matches, and the moment it was delivered.</summary>
    public async Task<(GatewayEvent Event, long Stamp)> WaitAsync(long afterSequence, Func<GatewayEvent, bool> match, TimeSpan? timeout = null)
    {
        var deadline = Clock.Now() + (long)(timeout ?? TimeSpan.FromSeconds(30)).TotalNanoseconds;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                foreach (var entry in _events)
                {
                    if (entry.Event.Sequence > afterSequence && match(entry.Event))
                    {
                        return entry;
                    }
                }

                changed = _changed.Task;
            }

            var left = deadline - Clock.Now();
            if (left <= 0)
            {
                throw new TimeoutException($"no matching event after #{afterSequence}; last: {Last()}");
            }

            await changed.WaitAsync(TimeSpan.FromTicks(Math.Max(1, left / 100)));
        }
    }

    private string Last()
    {
        lock (_gate)
        {
            return _events.Count == 0 ? "none" : $"#{_events[^1].Event.Sequence} {_events[^1].Event.Status} {_events[^1].Event.LastError}";
        }
    }
}
