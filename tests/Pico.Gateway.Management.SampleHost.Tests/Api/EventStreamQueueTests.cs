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

    [Fact]
    public void A_client_with_more_unsent_bytes_than_the_bound_is_dropped_before_the_message_count_is_reached()
    {
        var frame = EventStreamFrames.Get(Snapshot(1)).Length;
        using var queue = new EventStreamQueue(capacity: 64, maxUnsentBytes: 2 * frame);

        queue.OnNext(Snapshot(1));
        queue.OnNext(Snapshot(2));
        Assert.False(queue.HasOverflowed);
        Assert.Equal(2 * frame, queue.UnsentBytes);
        queue.OnNext(Snapshot(3));

        Assert.True(queue.HasOverflowed);
        Assert.Equal(2 * frame, queue.UnsentBytes);
    }

    [Fact]
    public void Bytes_flushed_to_the_socket_make_room_again()
    {
        var frame = EventStreamFrames.Get(Snapshot(1)).Length;
        using var queue = new EventStreamQueue(capacity: 64, maxUnsentBytes: 2 * frame);

        queue.OnNext(Snapshot(1));
        queue.OnNext(Snapshot(2));
        Assert.True(queue.Reader.TryRead(out var first));
        Assert.True(queue.Reader.TryRead(out var second));
        queue.Sent(first.Size + second.Size);
        queue.OnNext(Snapshot(3));
        queue.OnNext(Snapshot(4));

        Assert.False(queue.HasOverflowed);
        Assert.Equal(2 * frame, queue.UnsentBytes);
    }

    [Fact]
    public void One_snapshot_larger_than_the_bound_still_reaches_a_client_that_reads()
    {
        using var queue = new EventStreamQueue(capacity: 64, maxUnsentBytes: 16);

        queue.OnNext(Snapshot(1));

        Assert.False(queue.HasOverflowed);
        Assert.True(queue.Reader.TryRead(out var message));
        Assert.StartsWith("data: {", System.Text.Encoding.UTF8.GetString(message.Frame!), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_client_shares_one_serialized_frame_per_snapshot()
    {
        var snapshot = Snapshot(1);

        Assert.Same(EventStreamFrames.Get(snapshot), EventStreamFrames.Get(snapshot));
    }

    private static GatewayEvent Snapshot(long sequence) => new() { Sequence = sequence, Timestamp = DateTimeOffset.UnixEpoch, Status = GatewayStatus.Stopped };
}
