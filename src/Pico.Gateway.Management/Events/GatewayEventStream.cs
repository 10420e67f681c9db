using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Pico.Gateway.Management.Diagnostics;

namespace Pico.Gateway.Management.Events;

/// <summary>
/// Behaves like a BehaviorSubject whose every subscriber has its own queue drained on the thread pool: publishing only enqueues,
/// so it is safe under the manager's lock, a slow subscriber delays nobody else, and a throwing one is logged and unsubscribed.
/// </summary>
internal sealed class GatewayEventStream : IObservable<GatewayEvent>
{
    private readonly Lock _gate = new();
    private readonly ILogger _logger;
    private Subscription[] _subscriptions = [];
    private GatewayEvent _latest;
    private bool _completed;

    public GatewayEventStream(GatewayEvent initial, ILogger logger)
    {
        _latest = initial;
        _logger = logger;
    }

    public int SubscriberCount => Volatile.Read(ref _subscriptions).Length;

    /// <summary>
    /// Gets what a new subscriber receives first: the manager's current snapshot. It is the one copy, so a status read before
    /// subscribing is never newer than the subscriber's first event.
    /// </summary>
    public GatewayEvent Latest => Volatile.Read(ref _latest);

    public IDisposable Subscribe(IObserver<GatewayEvent> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var subscription = new Subscription(this, observer);
        lock (_gate)
        {
            if (_completed)
            {
                subscription.Enqueue(null);
                return subscription;
            }

            _subscriptions = [.. _subscriptions, subscription];
            subscription.Enqueue(_latest);
        }

        return subscription;
    }

    /// <summary>Enqueues the event for every subscriber. Callers publish one event at a time, in sequence order.</summary>
    public void Publish(GatewayEvent next)
    {
        lock (_gate)
        {
            // The snapshot moves on even after completion: status reads outlive the stream.
            Volatile.Write(ref _latest, next);
            if (_completed)
            {
                return;
            }

            foreach (var subscription in _subscriptions)
            {
                subscription.Enqueue(next);
            }
        }
    }

    /// <summary>Replaces what a new subscriber receives first, without notifying anyone: a refresh that is not a state change.</summary>
    public void Refresh(GatewayEvent current)
    {
        lock (_gate)
        {
            // After completion the snapshot stays readable and fresh; nobody new subscribes to it.
            Volatile.Write(ref _latest, current);
        }
    }

    public void Complete()
    {
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            foreach (var subscription in _subscriptions)
            {
                subscription.Enqueue(null);
            }

            _subscriptions = [];
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_subscriptions, subscription);
            if (index >= 0)
            {
                _subscriptions = [.. _subscriptions.AsSpan(0, index), .. _subscriptions.AsSpan(index + 1)];
            }
        }
    }

    private sealed class Subscription(GatewayEventStream owner, IObserver<GatewayEvent> observer) : IDisposable, IThreadPoolWorkItem
    {
        // A null entry stands for OnCompleted.
        private readonly ConcurrentQueue<GatewayEvent?> _queue = new();
        private int _scheduled;
        private volatile bool _disposed;

        public void Enqueue(GatewayEvent? next)
        {
            _queue.Enqueue(next);
            if (Interlocked.Exchange(ref _scheduled, 1) == 0)
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
        }

        public void Execute()
        {
            while (true)
            {
                while (_queue.TryDequeue(out var next))
                {
                    if (_disposed)
                    {
                        _queue.Clear();
                        return;
                    }

                    if (!Deliver(next))
                    {
                        return;
                    }
                }

                Volatile.Write(ref _scheduled, 0);
                if (_queue.IsEmpty || Interlocked.Exchange(ref _scheduled, 1) == 1)
                {
                    return;
                }
            }
        }

        public void Dispose()
        {
            _disposed = true;
            owner.Remove(this);
        }

        private bool Deliver(GatewayEvent? next)
        {
            try
            {
                if (next is null)
                {
                    _disposed = true;
                    observer.OnCompleted();
                    return false;
                }

                observer.OnNext(next);
                return true;
            }
#pragma warning disable CA1031 // An observer is user code: whatever it throws must not reach the thread pool or other subscribers.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.ObserverFailed(owner._logger, ex);
                Dispose();
                return false;
            }
        }
    }
}
