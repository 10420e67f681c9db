namespace Pico.Gateway.Management.SampleHost.Api;

/// <summary>A state snapshot to send as <c>data:</c>, or, when <see cref="Event"/> is null, a keepalive comment.</summary>
internal readonly record struct EventStreamMessage(GatewayEvent? Event)
{
    public static EventStreamMessage KeepAlive => default;

    public static EventStreamMessage Snapshot(GatewayEvent snapshot) => new(snapshot);
}
