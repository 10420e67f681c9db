namespace Pico.Gateway.Management;

/// <summary>
/// Finds a gateway this host did not start (one started from a CLI or by systemd), so the host reports it instead of spawning a
/// second one. Register it with <see cref="IGatewayManagementBuilder.UseGatewayLocator{T}"/>.
/// </summary>
/// <remarks>
/// The manager asks when supervision begins (after it took the ownership lock and found no gateway of its own to re-attach to),
/// before every start, and on each health tick while nothing runs, so it should be cheap (a file read, one short probe). Never
/// concurrently for one manager. A locator that throws counts as finding nothing. The manager itself refuses pid 1, its own pid and
/// its ancestors; everything else (that the process is the gateway, and answers) is the locator's to check.
/// </remarks>
public interface IGatewayLocator
{
    /// <summary>Looks for a live gateway started outside this host.</summary>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    /// <returns>The gateway found, or <see langword="null"/> when none runs.</returns>
    ValueTask<ExternalGateway?> LocateAsync(CancellationToken cancellationToken);
}
