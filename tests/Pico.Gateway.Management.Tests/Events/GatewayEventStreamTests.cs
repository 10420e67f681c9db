using Microsoft.Extensions.Logging.Testing;
using Pico.Gateway.Management.Events;

namespace Pico.Gateway.Management.Tests.Events;

/// <summary>
/// What the event stream promises every subscriber, on its own (the manager's tests see it only through the manager): the current
/// snapshot first, a throwing subscriber unsubscribed without harming the others, a slow one delaying nobody, nothing after
/// OnCompleted. Waits are gates and signals with a guard, never a sleep.
/// </summary>
public sealed class GatewayEventStreamTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(15);
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    private readonly FakeLogger _logger = new();

    [Fact]
    public async Task A_new_subscriber_gets_the_current_snapshot_first_then_every_change_in_order()
    {
        var stream = new GatewayEventStream(Event(0), _logger);
        stream.Publish(Event(1, GatewayStatus.Starting));
        stream.Refresh(Event(1, GatewayStatus.Starting) with { HealthStatusCode = 200 });

        using var recorder = new Recorder(stream);
        await recorder.WaitForCountAsync(1);
        stream.Publish(Event(2, GatewayStatus.Running));
        await recorder.WaitForCountAsync(2);

        Assert.Equal([1L, 2L], recorder.Sequences);
        Assert.Equal(200, recorder.Events[0].HealthStatusCode);
    }

    [Fact]
    public async Task A_throwing_subscriber_is_unsubscribed_and_logged_and_the_others_keep_receiving()
    {
        var stream = new GatewayEventStream(Event(0), _logger);
        var thrower = new ThrowingObserver(throwAt: 1);
        using var before = new Recorder(stream);
        using var throwing = stream.Subscribe(thrower);
        using var after = new Recorder(stream);
        Assert.Equal(3, stream.SubscriberCount);

        stream.Publish(Event(1, GatewayStatus.Starting));
        await thrower.Threw.WaitAsync(Guard);

        // The failed delivery unsubscribes on the delivering thread right after the throw: wait for that one statement.
        Assert.True(SpinWait.SpinUntil(() => stream.SubscriberCount == 2, Guard), "the throwing subscriber is still subscribed");
        var failure = Assert.Single(_logger.Collector.GetSnapshot(), record => record.Id.Name == "ObserverFailed");
        Assert.IsType<InvalidOperationException>(failure.Exception);

        stream.Publish(Event(2, GatewayStatus.Running));
        stream.Publish(Event(3, GatewayStatus.Stopping));
        await before.WaitForCountAsync(4);
        await after.WaitForCountAsync(4);

        Assert.Equal([0L, 1L, 2L, 3L], before.Sequences);
        Assert.Equal([0L, 1L, 2L, 3L], after.Sequences);
        Assert.Equal([0L, 1L], thrower.Sequences);
        Assert.False(thrower.Completed);
    }

    [Fact]
    public async Task A_slow_subscriber_delays_neither_the_publisher_nor_the_other_subscribers()
    {
        var stream = new GatewayEventStream(Event(0), _logger);
        using var slow = new BlockingObserver();
        using var slowSubscription = stream.Subscribe(slow);
        using var fast = new Recorder(stream);

        // The slow subscriber is now blocked inside OnNext of the initial snapshot, holding a thread-pool thread.
        await slow.Entered.WaitAsync(Guard);

        // Publishing returns at once: it only enqueues.
        stream.Publish(Event(1, GatewayStatus.Starting));
        stream.Publish(Event(2, GatewayStatus.Running));
        stream.Complete();

        // The other subscriber receives everything, completion included, while the slow one is still stuck in its first event.
        await fast.WaitForCompletionAsync();
        Assert.Equal([0L, 1L, 2L], fast.Sequences);
        Assert.Equal([0L], slow.Sequences);
        Assert.False(slow.Completed);

        // Released, the slow one gets the same events, in order, then completion.
        slow.Release();
        await slow.CompletedTask.WaitAsync(Guard);
        Assert.Equal([0L, 1L, 2L], slow.Sequences);
    }

    [Fact]
    public async Task Nothing_is_delivered_after_OnCompleted()
    {
        var stream = new GatewayEventStream(Event(0), _logger);
        using var recorder = new Recorder(stream);
        stream.Publish(Event(1, GatewayStatus.Starting));
        stream.Complete();
        stream.Complete();
        await recorder.WaitForCompletionAsync();

        stream.Publish(Event(2, GatewayStatus.Running));
        stream.Refresh(Event(3, GatewayStatus.Running));

        // A late subscriber is told the stream is over, and gets no snapshot. Its delivery runs after the publishes above, on
        // the same thread pool, so by then any stray delivery to the first recorder would have had its chance as well.
        using var late = new Recorder(stream);
        await late.WaitForCompletionAsync();

        Assert.Empty(late.Events);
        Assert.Equal(0, stream.SubscriberCount);
        Assert.Equal([0L, 1L], recorder.Sequences);
        Assert.Equal(1, recorder.CompletedCount);
        Assert.Equal(1, late.CompletedCount);
    }

    [Fact]
    public async Task The_status_read_is_the_snapshot_a_new_subscriber_gets_first_so_a_subscriber_never_starts_behind_it()
    {
        // One copy, published under the stream's lock: there is no moment in which a read sees 1 and a new subscriber gets 0.
        var stream = new GatewayEventStream(Event(0), _logger);
        var published = Event(1, GatewayStatus.Starting);
        stream.Publish(published);
        Assert.Same(published, stream.Latest);
        var refreshed = published with { HealthStatusCode = 200 };
        stream.Refresh(refreshed);
        var read = stream.Latest;

        using var recorder = new Recorder(stream);
        await recorder.WaitForCountAsync(1);

        Assert.Same(refreshed, read);
        Assert.Same(read, recorder.Events[0]);
    }

    [Fact]
    public void The_snapshot_stays_current_after_completion_for_status_reads()
    {
        var stream = new GatewayEventStream(Event(0), _logger);
        stream.Complete();

        stream.Publish(Event(1, GatewayStatus.Stopping));
        var stopped = Event(2, GatewayStatus.Stopped);
        stream.Publish(stopped);

        Assert.Same(stopped, stream.Latest);
    }

    private static GatewayEvent Event(long sequence, GatewayStatus status = GatewayStatus.Stopped) =>
        new() { Sequence = sequence, Timestamp = T0.AddSeconds(sequence), Status = status };

    /// <summary>Records what it receives and lets a test wait for it.</summary>
    private sealed class Recorder : IObserver<GatewayEvent>, IDisposable
    {
        private readonly Lock _gate = new();
        private readonly List<GatewayEvent> _events = [];
        private readonly ChangeSignal _changed = new();
        private readonly IDisposable _subscription;
        private int _completed;

        public Recorder(IObservable<GatewayEvent> stream) => _subscription = stream.Subscribe(this);

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

        public long[] Sequences => [.. Events.Select(e => e.Sequence)];

        public int CompletedCount => Volatile.Read(ref _completed);

        public async Task WaitForCountAsync(int count) =>
            Assert.True(await _changed.WaitUntilAsync(() => Events.Count >= count, Guard), $"got {Events.Count} of {count} events");

        public async Task WaitForCompletionAsync() =>
            Assert.True(await _changed.WaitUntilAsync(() => CompletedCount > 0, Guard), "the stream never completed");

        public void OnNext(GatewayEvent value)
        {
            lock (_gate)
            {
                _events.Add(value);
            }

            _changed.Pulse();
        }

        public void OnCompleted()
        {
            Interlocked.Increment(ref _completed);
            _changed.Pulse();
        }

        public void OnError(Exception error) => Assert.Fail($"the event stream must never fail: {error}");

        public void Dispose() => _subscription.Dispose();
    }

    /// <summary>Throws from OnNext of the event with sequence <c>throwAt</c>.</summary>
    private sealed class ThrowingObserver(long throwAt) : IObserver<GatewayEvent>
    {
        private readonly TaskCompletionSource _threw = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<long> _sequences = [];

        public Task Threw => _threw.Task;

        public bool Completed { get; private set; }

        public long[] Sequences
        {
            get
            {
                lock (_sequences)
                {
                    return [.. _sequences];
                }
            }
        }

        public void OnNext(GatewayEvent value)
        {
            lock (_sequences)
            {
                _sequences.Add(value.Sequence);
            }

            if (value.Sequence == throwAt)
            {
                _threw.TrySetResult();
                throw new InvalidOperationException("subscriber failure");
            }
        }

        public void OnCompleted() => Completed = true;

        public void OnError(Exception error)
        {
        }
    }

    /// <summary>Blocks inside its first OnNext until released: a subscriber that does slow, synchronous work.</summary>
    private sealed class BlockingObserver : IObserver<GatewayEvent>, IDisposable
    {
        private readonly ManualResetEventSlim _release = new();
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<long> _sequences = [];

        public Task Entered => _entered.Task;

        public Task CompletedTask => _completed.Task;

        public bool Completed => _completed.Task.IsCompleted;

        public long[] Sequences
        {
            get
            {
                lock (_sequences)
                {
                    return [.. _sequences];
                }
            }
        }

        public void Release() => _release.Set();

        public void OnNext(GatewayEvent value)
        {
            lock (_sequences)
            {
                _sequences.Add(value.Sequence);
            }

            _entered.TrySetResult();

            // Bounded so a broken stream fails this test instead of hanging a thread-pool thread for ever.
            Assert.True(_release.Wait(Guard), "never released");
        }

        public void OnCompleted() => _completed.TrySetResult();

        public void OnError(Exception error) => _completed.TrySetException(error);

        public void Dispose() => _release.Dispose();
    }
}
