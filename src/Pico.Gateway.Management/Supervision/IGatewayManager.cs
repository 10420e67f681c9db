namespace Pico.Gateway.Management;

/// <summary>
/// Supervises one long-running child process, the gateway: start, graceful stop, restart, health-driven status,
/// captured output and a live stream of state changes.
/// </summary>
/// <remarks>
/// Start, stop and restart are serialized: there are never two live gateways. Expected outcomes (already running,
/// precondition failed, not running) are result values; exceptions are for cancellation and disposal.
/// </remarks>
public interface IGatewayManager : IAsyncDisposable
{
    /// <summary>Gets the latest state snapshot. A cheap in-memory read: it never probes the gateway or touches the network.</summary>
    GatewayEvent Current { get; }

    /// <summary>
    /// Gets the state changes. Each subscriber first receives the current snapshot, then every change once, in order,
    /// on its own queue, so a slow or throwing subscriber never delays the manager or the other subscribers.
    /// Completes when the manager is disposed.
    /// </summary>
    IObservable<GatewayEvent> Events { get; }

    /// <summary>Gets the gateway's recent stdout and stderr lines (read-only: only the manager writes them).</summary>
    IGatewayLogs Logs { get; }

    /// <summary>
    /// Begins supervision: re-attaches to a gateway recorded in the pid file and starts the condition and health ticks.
    /// The hosted service calls it in its <c>StartAsync</c>; without a host, call it once after resolving the manager
    /// (<see cref="StartAsync"/>, <see cref="StopAsync"/> and <see cref="RestartAsync"/> call it too). Resolving the manager does no work.
    /// Calling it again does nothing.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait for a command in progress.</param>
    /// <returns>A task that completes once a recorded gateway was re-attached or found stale.</returns>
    Task StartSupervisionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Re-evaluates the start conditions, the configuration fingerprint and the options now, instead of on the next tick, and
    /// publishes what changed (<see cref="GatewayEvent.StartAllowed"/>, <see cref="GatewayEvent.RestartRequired"/>). Call it when
    /// you learn that the configuration changed (a file watcher, say).
    /// </summary>
    /// <param name="cancellationToken">Cancels the evaluation.</param>
    /// <returns>A task that completes once the new verdict is in <see cref="Current"/>.</returns>
    Task RefreshConditionsAsync(CancellationToken cancellationToken = default);

    /// <summary>Checks the start conditions and spawns the gateway unless one is already alive.</summary>
    /// <param name="cancellationToken">Cancels waiting for another start, stop or restart to finish.</param>
    /// <returns>Started with the new pid, already running, precondition failed, or failed (the status is then <see cref="GatewayStatus.Error"/>).</returns>
    Task<GatewayStartResult> StartAsync(CancellationToken cancellationToken = default);

    /// <summary>Sends the gateway's process group a graceful termination and answers at once; the kill after <see cref="GatewayOptions.StopTimeout"/> follows in the background.</summary>
    /// <param name="cancellationToken">Cancels waiting for another start, stop or restart to finish.</param>
    /// <returns>Stopping with the pid and a task that completes on exit, or not running.</returns>
    Task<GatewayStopResult> StopAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Checks the start conditions (not ready: nothing is touched), stops the live gateway (graceful, then kill) and spawns a new one.
    /// If the old process will not exit it is kept and the status returns to <see cref="GatewayStatus.Running"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting for another start, stop or restart to finish.</param>
    /// <returns>Started with the new pid, precondition failed, or failed.</returns>
    Task<GatewayStartResult> RestartAsync(CancellationToken cancellationToken = default);
}
