using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Pico.Gateway.Management.SampleHost.Hosting;

/// <summary>
/// What a connection may hold in this host's memory, and for how long after it is gone (issue 14: 500 event-stream clients
/// that never read). Each connection's unsent response bytes wait in its socket pipe, in Kestrel's pool blocks.
/// </summary>
internal static class KestrelMemory
{
    /// <summary>
    /// Unsent bytes a connection's pipe holds before a flush waits (Kestrel's default is 64 KiB). A stuck event-stream client
    /// held that much plus the frame being flushed: ~80 KiB each, 39 MiB for 500. With 16 KiB a flush waits once the kernel's
    /// socket buffer (hundreds of KiB on loopback) and 16 KiB are full, which is when the stream's byte bound starts counting.
    /// </summary>
    public const int MaxWriteBufferSize = 16 * 1024;

    /// <summary>Gives Kestrel this host's pool (<see cref="BoundedMemoryPoolFactory"/>), the smaller write buffer, and the reclaimer of a burst's memory (dropped clients, a log flood).</summary>
    public static void Apply(IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<BoundedMemoryPoolFactory>();
        services.AddSingleton<IMemoryPoolFactory<byte>>(provider => provider.GetRequiredService<BoundedMemoryPoolFactory>());
        services.AddSingleton<BurstMemoryReclaimer>();
        services.AddSingleton<ILogSink>(provider => provider.GetRequiredService<BurstMemoryReclaimer>());
        services.Configure<SocketTransportOptions>(options => options.MaxWriteBufferSize = MaxWriteBufferSize);
    }
}
