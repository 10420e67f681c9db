using Microsoft.Extensions.Time.Testing;

namespace Pico.Gateway.Management.Tests.Testing;

/// <summary>
/// A FakeTimeProvider that knows which timers are armed, so a test can advance time exactly when the code under test is
/// waiting on it, instead of racing the code to its next Task.Delay.
/// </summary>
internal sealed class TrackingTimeProvider : FakeTimeProvider
{
    private readonly Lock _gate = new();
    private static readonly TimeSpan WaitGuard = TimeSpan.FromSeconds(10);
    private readonly List<TrackedTimer> _timers = [];
    private readonly ChangeSignal _changed = new();

    public TrackingTimeProvider()
        : base(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Gets or sets a callback told of every timer's due time as it is created, on the creating thread.</summary>
    public Action<TimeSpan>? TimerCreating { get; set; }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        TimerCreating?.Invoke(dueTime);
        var timer = new TrackedTimer(this);
        timer.Inner = base.CreateTimer(callback, state, dueTime, period);
        timer.Arm(dueTime);
        return timer;
    }

    /// <summary>Whether a timer is armed to fire at <paramref name="due"/>.</summary>
    public bool IsArmedAt(DateTimeOffset due)
    {
        lock (_gate)
        {
            return _timers.Any(t => t.DueAt == due);
        }
    }

    /// <summary>Waits until a timer is armed to fire within <paramref name="step"/> from now, then advances by <paramref name="step"/>.</summary>
    public Task AdvanceWhenArmedAsync(TimeSpan step) => AdvanceWhenArmedAsync(step, static () => false);

    /// <summary>
    /// Advances in steps, each once something is waiting on the clock, until <paramref name="done"/> holds. Anything that can make it
    /// hold must call <see cref="Pulse"/> (the fixture wires the event recorder and the probe), so a condition that becomes true
    /// while no timer is armed is still noticed.
    /// </summary>
    public async Task AdvanceUntilAsync(Func<bool> done, TimeSpan step, int maxSteps = 10_000)
    {
        for (var i = 0; i < maxSteps && !done(); i++)
        {
            await AdvanceWhenArmedAsync(step, done);
        }

        Assert.True(done(), $"condition not met after {maxSteps} steps of {step}");
    }

    /// <summary>
    /// Waits until a timer is armed to fire exactly <paramref name="dueIn"/> from now (a specific timeout the code under test is about
    /// to wait out, not any timer), then advances to it.
    /// </summary>
    public async Task AdvanceToTimerAsync(TimeSpan dueIn)
    {
        var armed = await _changed.WaitUntilAsync(() => IsArmed(timer => timer.DueAt == GetUtcNow() + dueIn), WaitGuard);
        Assert.True(armed, $"no timer was armed {dueIn} after {GetUtcNow():O} within {WaitGuard.TotalSeconds} s");
        Advance(dueIn);
    }

    /// <summary>Wakes waiters so they re-check their conditions.</summary>
    public void Pulse() => _changed.Pulse();

    private async Task AdvanceWhenArmedAsync(TimeSpan step, Func<bool> done)
    {
        var armed = false;
        var ready = await _changed.WaitUntilAsync(
            () => (armed = IsArmed(timer => timer.DueAt is { } due && due <= GetUtcNow() + step)) || done(),
            WaitGuard);
        Assert.True(ready, $"nothing armed a timer within {step} of {GetUtcNow():O} for {WaitGuard.TotalSeconds} s");
        if (armed)
        {
            Advance(step);
        }
    }

    private bool IsArmed(Func<TrackedTimer, bool> match)
    {
        lock (_gate)
        {
            return _timers.Any(match);
        }
    }

    private sealed class TrackedTimer(TrackingTimeProvider owner) : ITimer
    {
        public ITimer Inner { get; set; } = null!;

        public DateTimeOffset? DueAt { get; private set; }

        public void Arm(TimeSpan dueTime)
        {
            lock (owner._gate)
            {
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : owner.GetUtcNow() + dueTime;
                if (!owner._timers.Contains(this))
                {
                    owner._timers.Add(this);
                }

            }

            owner._changed.Pulse();
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Arm(dueTime);
            return Inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
            }

            owner._changed.Pulse();

            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
