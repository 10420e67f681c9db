using System.Threading.Channels;

namespace Pico.Gateway.Management.SampleHost.Api;

/// <summary>
/// One event-stream client's bounded queue between the manager's observable and the response. The manager never waits on it:
/// a client is dropped (<see cref="Overflowed"/> fires) instead of the queue growing when it falls <see cref="Capacity"/>
/// messages behind, or when more than <see cref="MaxUnsentBytes"/> of frames were given to it and not yet passed on to its
/// socket (<see cref="Sent"/>). The byte bound is what stops stuck clients of large snapshots from holding memory.
/// </summary>
internal sealed class EventStreamQueue : IObserver<GatewayEvent>, IDisposable
{
    /// <summary>The default byte bound: a few snapshots of a large health body, on top of Kestrel's own 64 KiB response buffer.</summary>
    public const long DefaultMaxUnsentBytes = 64 * 1024;

    private readonly Channel<EventStreamMessage> _channel;
    private readonly CancellationTokenSource _overflowed = new();
    private long _unsentBytes;

    public EventStreamQueue(int capacity, long maxUnsentBytes = DefaultMaxUnsentBytes)
    {
        Capacity = capacity;
        MaxUnsentBytes = maxUnsentBytes;
        _channel = Channel.CreateBounded<EventStreamMessage>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public int Capacity { get; }

    public long MaxUnsentBytes { get; }

    /// <summary>Gets the bytes queued or written to the response and not yet flushed to the socket.</summary>
    public long UnsentBytes => Interlocked.Read(ref _unsentBytes);

    public ChannelReader<EventStreamMessage> Reader => _channel.Reader;

    /// <summary>Gets a token cancelled when the client fell too far behind, so a write stuck on that client is abandoned too.</summary>
    public CancellationToken Overflowed => _overflowed.Token;

    public bool HasOverflowed => _overflowed.IsCancellationRequested;

    public void OnNext(GatewayEvent value) => Offer(EventStreamMessage.Snapshot(value));

    public void OnCompleted() => _channel.Writer.TryComplete();

    public void OnError(Exception error) => _channel.Writer.TryComplete(error);

    /// <summary>Queues a keepalive comment; a full queue already means the client is dropped.</summary>
    public void OfferKeepAlive() => Offer(EventStreamMessage.KeepAlive);

    /// <summary>The response flushed <paramref name="bytes"/> of frames taken from this queue to the socket.</summary>
    public void Sent(long bytes) => Interlocked.Add(ref _unsentBytes, -bytes);

    public void Dispose() => _overflowed.Dispose();

    private void Offer(EventStreamMessage message)
    {
        // One frame is always accepted, however large: a snapshot bigger than the bound must still reach a reading client.
        var unsent = Interlocked.Add(ref _unsentBytes, message.Size);
        if ((unsent == message.Size || unsent <= MaxUnsentBytes) && _channel.Writer.TryWrite(message))
        {
            return;
        }

        Interlocked.Add(ref _unsentBytes, -message.Size);
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
