using System.Buffers;
using System.Runtime.CompilerServices;

namespace Pico.Gateway.Management.SampleHost.Api;

/// <summary>
/// The <c>data: &lt;status JSON&gt;\n\n</c> frame of a snapshot, serialized once and shared by every event-stream client:
/// 500 clients of a 20 KB snapshot hold references to one array, not 500 copies.
/// </summary>
internal static class EventStreamFrames
{
    private static readonly ConditionalWeakTable<GatewayEvent, byte[]> Frames = [];

    public static byte[] Get(GatewayEvent snapshot) => Frames.GetValue(snapshot, static snapshot =>
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        buffer.Write("data: "u8);
        GatewayStatusJson.Write(buffer, snapshot);
        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    });
}
