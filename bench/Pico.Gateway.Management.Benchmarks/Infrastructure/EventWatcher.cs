namespace Pico.Gateway.Management.Benchmarks.Infrastructure;

/// <summary>A subscriber that stamps every event as it is delivered (CLOCK_MONOTONIC) and lets the harness wait for one.</summary>
internal sealed class EventWatcher : IObserver<GatewayEvent>
{
    private readonly Lock _gate = new();
    private readonly List<(GatewayEvent Event, long Stamp)> _events = [];
    private readonly ChangeSignal _changed = new();

    public void OnNext(GatewayEvent value)
    {
        var stamp = Clock.Now();
        lock (_gate)
        {
            _events.Add((value, stamp));
        }

        _changed.Pulse();
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
        (GatewayEvent Event, long Stamp)? found = null;
        var matched = await _changed.WaitUntilAsync(
            () =>
            {
                lock (_gate)
                {
                    found = _events.Find(entry => entry.Event.Sequence > afterSequence && match(entry.Event));
                    return found.Value.Event is not null;
                }
            },
            timeout ?? TimeSpan.FromSeconds(30));
        return matched ? found!.Value : throw new TimeoutException($"no matching event after #{afterSequence}; last: {Last()}");
    }

    private string Last()
    {
        lock (_gate)
        {
            return _events.Count == 0 ? "none" : $"#{_events[^1].Event.Sequence} {_events[^1].Event.Status} {_events[^1].Event.LastError}";
        }
    }
}
