namespace Pico.Gateway.Management.Tests.Chaos;

/// <summary>
/// A subscriber that checks what every subscriber is promised: sequence numbers that grow by exactly one, nothing after completion,
/// never an error. It also lets a test wait, event by event, for a condition on the manager's state.
/// </summary>
internal sealed class SequenceChecker : IObserver<GatewayEvent>, IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<string> _violations = [];
    private readonly Queue<GatewayEvent> _recent = new();
    private readonly Dictionary<string, int> _errorCounts = new(StringComparer.Ordinal);
    private readonly int[] _statusCounts = new int[Enum.GetValues<GatewayStatus>().Length];
    private readonly Action<GatewayEvent>? _onEvent;
    private readonly IDisposable _subscription;
    private readonly ChangeSignal _changed = new();
    private GatewayEvent? _latest;
    private long _received;
    private bool _completed;

    public SequenceChecker(string name, IObservable<GatewayEvent> events, Action<GatewayEvent>? onEvent = null)
    {
        Name = name;
        _onEvent = onEvent;
        _subscription = events.Subscribe(this);
    }

    public string Name { get; }

    public GatewayEvent? Latest
    {
        get
        {
            lock (_gate)
            {
                return _latest;
            }
        }
    }

    public long Received
    {
        get
        {
            lock (_gate)
            {
                return _received;
            }
        }
    }

    public bool Completed
    {
        get
        {
            lock (_gate)
            {
                return _completed;
            }
        }
    }

    /// <summary>Gets how many events of each status arrived, for the run's summary.</summary>
    public string StatusCounts
    {
        get
        {
            lock (_gate)
            {
                return string.Join(", ", Enum.GetValues<GatewayStatus>().Select(status => $"{status} {_statusCounts[(int)status]}"))
                    + "; errors: " + string.Join(", ", _errorCounts.Select(e => $"'{e.Key}' {e.Value}"));
            }
        }
    }

    /// <summary>Gets the last few events, one line each, for failure messages.</summary>
    public string Recent
    {
        get
        {
            lock (_gate)
            {
                return string.Join(
                    "\n  ",
                    _recent.Select(e => $"{e.Sequence} {e.Timestamp:HH:mm:ss.fff} {e.Status} pid={e.ProcessId} exit={e.LastExitCode}/{e.LastExitSignal} next={e.NextRestartTime:HH:mm:ss.fff} error={e.LastError}"));
            }
        }
    }

    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_gate)
            {
                return [.. _violations];
            }
        }
    }

    /// <summary>Re-checks <paramref name="condition"/> after every event this subscriber receives; false when <paramref name="guard"/> passes first.</summary>
    public Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan guard) => _changed.WaitUntilAsync(condition, guard);

    public void OnNext(GatewayEvent value)
    {
        lock (_gate)
        {
            if (_completed)
            {
                _violations.Add($"{Name}: event {value.Sequence} after OnCompleted");
            }
            else if (_latest is { } previous && value.Sequence != previous.Sequence + 1)
            {
                _violations.Add($"{Name}: event {value.Sequence} ({value.Status}) followed {previous.Sequence} ({previous.Status})");
            }

            _latest = value;
            _received++;
            _statusCounts[(int)value.Status]++;
            if (value.Status == GatewayStatus.Error && value.LastError is { } error)
            {
                var kind = error.Split(':', '(')[0].Trim();
                _errorCounts[kind] = _errorCounts.GetValueOrDefault(kind) + 1;
            }

            _recent.Enqueue(value);
            if (_recent.Count > 40)
            {
                _recent.Dequeue();
            }
        }

        _changed.Pulse();

        _onEvent?.Invoke(value);
    }

    public void OnCompleted()
    {
        lock (_gate)
        {
            if (_completed)
            {
                _violations.Add($"{Name}: OnCompleted twice");
            }

            _completed = true;
        }

        _changed.Pulse();
    }

    public void OnError(Exception error)
    {
        lock (_gate)
        {
            _violations.Add($"{Name}: OnError {error}");
        }

        _changed.Pulse();
    }

    public void Dispose() => _subscription.Dispose();
}
