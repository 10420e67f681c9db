using Pico.Gateway.Management.SampleHost.Api;

namespace Pico.Gateway.Management.SampleHost.Tests.Api;

public sealed class EventStreamQueueTests
{
    [Fact]
    public void A_client_that_falls_capacity_messages_behind_is_dropped_instead_of_buffered()
    {
        using var queue = new EventStreamQueue(capacity: 2);

        queue.OnNext(Snapshot(1));
        queue.OnNext(Snapshot(2));
        Assert.False(queue.HasOverflowed);
        queue.OnNext(Snapshot(3));
        queue.OfferKeepAlive();

        Assert.True(queue.HasOverflowed);
        Assert.True(queue.Overflowed.IsCancellationRequested);
        Assert.True(queue.Reader.TryRead(out var first));
        Assert.True(queue.Reader.TryRead(out var second));
        Assert.Equal([1L, 2L], [first.Event!.Sequence, second.Event!.Sequence]);
        Assert.False(queue.Reader.TryRead(out _));
        Assert.True(queue.Reader.Completion.IsCompleted);
    }

    [Fact]
    public void Completion_of_the_manager_ends_the_stream_without_dropping()
    {
        using var queue = new EventStreamQueue(capacity: 4);

        queue.OnNext(Snapshot(1));
        queue.OnCompleted();

        Assert.False(queue.HasOverflowed);
        Assert.True(queue.Reader.TryRead(out var message));
        Assert.Equal(1, message.Event!.Sequence);
        Assert.True(queue.Reader.Completion.IsCompleted);
    }

    private static GatewayEvent Snapshot(long sequence) => new() { Sequence = sequence, Timestamp = DateTimeOffset.UnixEpoch, Status = GatewayStatus.Stopped };
}
