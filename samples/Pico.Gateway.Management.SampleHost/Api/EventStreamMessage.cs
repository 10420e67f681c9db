namespace Pico.Gateway.Management.SampleHost.Api;

/// <summary>A state snapshot to send as <c>data:</c> (<see cref="Frame"/> is its serialized form), or, when <see cref="Event"/> is null, a keepalive comment.</summary>
internal readonly record struct EventStreamMessage(GatewayEvent? Event, byte[]? Frame)
{
    public static EventStreamMessage KeepAlive => default;

    public int Size => Frame?.Length ?? 0;

    public static EventStreamMessage Snapshot(GatewayEvent snapshot) => new(snapshot, EventStreamFrames.Get(snapshot));
}
