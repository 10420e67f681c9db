using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;
using Pico.Gateway.Management.SampleHost.Diagnostics;
using Pico.Gateway.Management.SampleHost.Hosting;

namespace Pico.Gateway.Management.SampleHost.Api;

/// <summary>
/// <c>GET /api/gateway/events</c>: a server-sent event stream built on <see cref="IGatewayManager.Events"/> (no polling).
/// The first message is the current snapshot, then one per published state change, and a keepalive comment every
/// <see cref="KeepAliveInterval"/> so proxies and browsers keep an idle stream open.
/// </summary>
internal static class GatewayEventsEndpoint
{
    /// <summary>Gets how often an idle stream gets a comment line: well under the 30-60 s idle timeouts of common proxies.</summary>
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    /// <summary>How many messages a client may fall behind before it is dropped (besides the byte bound of <see cref="EventStreamQueue"/>); a state change is rare, so only a stuck client gets there.</summary>
    public const int ClientQueueCapacity = 64;

    private static readonly byte[] KeepAliveComment = ": keepalive\n\n"u8.ToArray();

    public static async Task HandleAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var manager = services.GetRequiredService<IGatewayManager>();
        var clients = services.GetRequiredService<EventStreamClients>();
        var time = services.GetRequiredService<TimeProvider>();
        var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
        var logger = SampleHostLog.Create(services);

        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        using var queue = new EventStreamQueue(ClientQueueCapacity);

        // Host shutdown ends the stream too: otherwise an open dashboard would hold the server's shutdown for its whole timeout.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping, queue.Overflowed);
        var subscription = manager.Events.Subscribe(queue);
        clients.Connected();
        try
        {
            using var keepAlive = time.CreateTimer(static state => ((EventStreamQueue)state!).OfferKeepAlive(), queue, KeepAliveInterval, KeepAliveInterval);
            await PumpAsync(queue, manager, response.BodyWriter, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            subscription.Dispose();
            clients.Disconnected();
        }

        if (queue.HasOverflowed)
        {
            clients.Dropped();
            services.GetService<BurstMemoryReclaimer>()?.ClientDropped();
            SampleHostLog.EventClientDropped(logger, context.Connection.RemoteIpAddress?.ToString(), ClientQueueCapacity, queue.MaxUnsentBytes);
            context.Abort();
        }
    }

    private static async Task PumpAsync(EventStreamQueue queue, IGatewayManager manager, PipeWriter output, CancellationToken cancellationToken)
    {
        var reader = queue.Reader;
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            long written = 0;
            while (reader.TryRead(out var message))
            {
                written += message.Size;
                if (message.Event is { } snapshot)
                {
                    // The manager refreshes health details without publishing; the same state with fresher details is what a status read shows.
                    var frame = manager.Current is { } current && current.Sequence == snapshot.Sequence
                        ? EventStreamFrames.Get(current)
                        : message.Frame!;
                    output.Write(frame);
                }
                else
                {
                    output.Write(KeepAliveComment);
                }
            }

            var flush = await output.FlushAsync(cancellationToken);
            queue.Sent(written);
            if (flush.IsCanceled || flush.IsCompleted)
            {
                return;
            }
        }
    }
}
