using System.Reactive.Linq;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using System.Reactive.Threading.Tasks;

namespace Pico.Gateway.Management;

/// <summary>Conveniences over <see cref="IGatewayManager.Events"/>.</summary>
public static class GatewayManagerExtensions
{
    /// <summary>Waits until the gateway is in <paramref name="status"/>: completes at once when the current snapshot already is.</summary>
    /// <param name="manager">The manager.</param>
    /// <param name="status">The status to wait for.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The first snapshot with that status.</returns>
    public static Task<GatewayEvent> WaitForStatusAsync(this IGatewayManager manager, GatewayStatus status, CancellationToken cancellationToken = default) =>
        manager.WaitForAsync(e => e.Status == status, cancellationToken);

    /// <summary>Waits for the first snapshot (the current one included) that satisfies <paramref name="predicate"/>.</summary>
    /// <param name="manager">The manager.</param>
    /// <param name="predicate">The condition.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The first matching snapshot.</returns>
    /// <exception cref="InvalidOperationException">The manager was disposed first.</exception>
    public static Task<GatewayEvent> WaitForAsync(this IGatewayManager manager, Func<GatewayEvent, bool> predicate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(predicate);
        return manager.Events.FirstAsync(predicate).ToTask(cancellationToken);
    }

    /// <summary>
    /// The state changes as an async stream for <c>await foreach</c>: the current snapshot first, then every change, in order.
    /// Ends when the manager is disposed or <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    /// <param name="manager">The manager.</param>
    /// <param name="cancellationToken">Ends the enumeration.</param>
    /// <returns>The snapshots.</returns>
    public static async IAsyncEnumerable<GatewayEvent> WatchAsync(this IGatewayManager manager, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manager);

        // Unbounded: the manager already gives each subscriber its own queue, so this only moves that queue to the reader.
        var channel = Channel.CreateUnbounded<GatewayEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var subscription = manager.Events.Subscribe(
            snapshot => channel.Writer.TryWrite(snapshot),
            error => channel.Writer.TryComplete(error),
            () => channel.Writer.TryComplete());
        await foreach (var snapshot in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return snapshot;
        }
    }
}
