namespace Pico.Gateway.Management.Tests.Testing;

/// <summary>Subscribes to a manager's events and lets a test wait for one, with a timeout guard so a hang fails fast.</summary>
internal sealed class EventRecorder : IObserver<GatewayEvent>, IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(15);
    private readonly Lock _gate = new();
    private readonly List<GatewayEvent> _events = [];
    private readonly IDisposable _subscription;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

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
        using var timeout = new CancellationTokenSource(Guard);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                var matches = _events.Where(predicate).Take(occurrence).ToList();
                if (matches.Count == occurrence)
                {
                    return matches[^1];
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"timed out waiting for an event; saw: {string.Join(", ", Statuses)}");
            }
        }
    }

    public async Task WaitForCompletionAsync()
    {
        using var timeout = new CancellationTokenSource(Guard);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (Completed)
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(timeout.Token);
        }
    }

    public void OnNext(GatewayEvent value)
    {
        lock (_gate)
        {
            _events.Add(value);
            Signal_NeedsLock();
        }

        _onChange?.Invoke();
    }

    public void OnCompleted()
    {
        lock (_gate)
        {
            Completed = true;
            Signal_NeedsLock();
        }
    }

    public void OnError(Exception error) => Assert.Fail($"the event stream must never fail: {error}");

    public void Dispose() => _subscription.Dispose();

    private void Signal_NeedsLock()
    {
        var previous = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }
}
