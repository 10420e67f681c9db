namespace Pico.Gateway.Management.Tests.Testing;

/// <summary>Subscribes to a manager's events and lets a test wait for one, with a timeout guard so a hang fails fast.</summary>
internal sealed class EventRecorder : IObserver<GatewayEvent>, IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(15);
    private readonly Lock _gate = new();
    private readonly List<GatewayEvent> _events = [];
    private readonly IDisposable _subscription;
    private readonly ChangeSignal _changed = new();

    private readonly Action? _onChange;

    public EventRecorder(IGatewayManager manager, Action? onChange = null)
    {
        _onChange = onChange;
        _subscription = manager.Events.Subscribe(this);
    }

    public bool Completed { get; private set; }

    public IReadOnlyList<GatewayEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    public IReadOnlyList<GatewayStatus> Statuses => [.. Events.Select(e => e.Status)];

    public GatewayEvent Last => Events[^1];

    public Task<GatewayEvent> WaitForStatusAsync(GatewayStatus status, int occurrence = 1) =>
        WaitForAsync(e => e.Status == status, occurrence);

    /// <summary>Waits for the <paramref name="occurrence"/>-th recorded event matching <paramref name="predicate"/>.</summary>
    public async Task<GatewayEvent> WaitForAsync(Func<GatewayEvent, bool> predicate, int occurrence = 1)
    {
        GatewayEvent? found = null;
        var matched = await _changed.WaitUntilAsync(
            () =>
            {
                lock (_gate)
                {
                    var matches = _events.Where(predicate).Take(occurrence).ToList();
                    found = matches.Count == occurrence ? matches[^1] : null;
                    return found is not null;
                }
            },
            Guard);
        Assert.True(matched, $"timed out waiting for an event; saw: {Described()}");
        return found!;
    }

    // Each status with the error it carried, if any: what a failed wait needs to be understood from CI's log alone.
    private string Described()
    {
        lock (_gate)
        {
            return string.Join(", ", _events.Select(e => e.LastError is { } error && e.Status == GatewayStatus.Error ? $"{e.Status} ({error})" : e.Status.ToString()));
        }
    }

    public async Task WaitForCompletionAsync() =>
        Assert.True(await _changed.WaitUntilAsync(() => Completed, Guard), $"the event stream did not complete; saw: {string.Join(", ", Statuses)}");

    public void OnNext(GatewayEvent value)
    {
        lock (_gate)
        {
            _events.Add(value);
        }

        _changed.Pulse();

        _onChange?.Invoke();
    }

    public void OnCompleted()
    {
        lock (_gate)
        {
            Completed = true;
        }

        _changed.Pulse();
    }

    public void OnError(Exception error) => Assert.Fail($"the event stream must never fail: {error}");

    public void Dispose() => _subscription.Dispose();
}
