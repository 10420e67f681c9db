using System.Threading.Channels;

namespace Pico.Gateway.Management.SampleHost.Api;

/// <summary>
/// One event-stream client's bounded queue between the manager's observable and the response. The manager never waits on it:
/// when a client falls <see cref="Capacity"/> messages behind, it is dropped (<see cref="Overflowed"/> fires) instead of
/// the queue growing without bound.
/// </summary>
internal sealed class EventStreamQueue : IObserver<GatewayEvent>, IDisposable
{
    private readonly Channel<EventStreamMessage> _channel;
    private readonly CancellationTokenSource _overflowed = new();

    public EventStreamQueue(int capacity)
    {
        Capacity = capacity;
        _channel = Channel.CreateBounded<EventStreamMessage>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public int Capacity { get; }

    public ChannelReader<EventStreamMessage> Reader => _channel.Reader;

    /// <summary>Gets a token cancelled when the client fell too far behind, so a write stuck on that client is abandoned too.</summary>
    public CancellationToken Overflowed => _overflowed.Token;

    public bool HasOverflowed => _overflowed.IsCancellationRequested;

    public void OnNext(GatewayEvent value) => Offer(EventStreamMessage.Snapshot(value));

    public void OnCompleted() => _channel.Writer.TryComplete();

    public void OnError(Exception error) => _channel.Writer.TryComplete(error);

    /// <summary>Queues a keepalive comment; a full queue already means the client is dropped.</summary>
    public void OfferKeepAlive() => Offer(EventStreamMessage.KeepAlive);

    public void Dispose() => _overflowed.Dispose();

    private void Offer(EventStreamMessage message)
    {
        if (_channel.Writer.TryWrite(message))
        {
            return;
        }

        if (_channel.Writer.TryComplete())
        {
            try
            {
                _overflowed.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The stream already ended; there is nobody left to drop.
            }
        }
    }
}
