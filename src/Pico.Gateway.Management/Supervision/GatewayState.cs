using Microsoft.Extensions.Logging;
using Pico.Gateway.Management.Events;

namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// The one lock of a manager and what it guards: the current snapshot and the tracked process run. Transitions are committed
/// under the lock (helpers that need it end in <c>_NeedsLock</c>); publishing only enqueues to the subscribers' own queues, so
/// no subscriber, sink, probe, process or file is ever called under it.
/// </summary>
internal sealed class GatewayState
{
    private readonly TimeProvider _time;
    private readonly GatewayEventStream _events;

    public GatewayState(TimeProvider time, ILogger logger)
    {
        _time = time;
        _events = new GatewayEventStream(new GatewayEvent { Sequence = 0, Timestamp = time.GetUtcNow(), Status = GatewayStatus.Stopped }, logger);
    }

    public Lock Gate { get; } = new();

    public TimeProvider Time => _time;

    /// <summary>Gets the latest snapshot; readable without the lock.</summary>
    public GatewayEvent Current => _events.Latest;

    /// <summary>Gets the state changes, the current snapshot first.</summary>
    public IObservable<GatewayEvent> Events => _events;

    public int SubscriberCount => _events.SubscriberCount;

    /// <summary>Gets or sets the tracked process: the live one, or one that would not exit. Guarded by <see cref="Gate"/>.</summary>
    public ProcessRun? Run { get; set; }

    /// <summary>Gets the tracked run when its process is alive and nobody asked it to stop. Needs the lock.</summary>
    public ProcessRun? Unstopped_NeedsLock => Run is { HasExited: false, StopCause: GatewayExitCause.None } run ? run : null;

    /// <summary>Gets the tracked run when its process is alive. Needs the lock.</summary>
    public ProcessRun? Live_NeedsLock => Run is { HasExited: false } run ? run : null;

    /// <summary>The live process's id, or null: <see cref="Live_NeedsLock"/> read under the lock.</summary>
    public int? LiveProcessId()
    {
        lock (Gate)
        {
            return Live_NeedsLock?.Id;
        }
    }

    /// <summary>
    /// Commits a transition's snapshot: a change in any state field is published with the next sequence number and the time;
    /// fresher health details alone only refresh the current snapshot.
    /// </summary>
    public void Commit_NeedsLock(GatewayEvent proposed)
    {
        var restartRequired = proposed.Status == GatewayStatus.Running
            && (proposed.OptionsChanged
                || (proposed.BootFingerprint is not null
                    && proposed.CurrentFingerprint is not null
                    && !string.Equals(proposed.BootFingerprint, proposed.CurrentFingerprint, StringComparison.Ordinal)));
        if (proposed.RestartRequired != restartRequired)
        {
            proposed = proposed with { RestartRequired = restartRequired };
        }

        var current = _events.Latest;
        if (proposed.HasSameStateAs(current))
        {
            if (!ReferenceEquals(proposed.HealthDetails, current.HealthDetails))
            {
                _events.Refresh(proposed);
            }

            return;
        }

        _events.Publish(proposed with { Sequence = current.Sequence + 1, Timestamp = _time.GetUtcNow() });
    }

    public void Complete() => _events.Complete();
}
