using Microsoft.Extensions.Logging;
using Pico.Gateway.Management.Diagnostics;

namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// Whether this host may act on the gateway. With a pid file it must hold the ownership lock: without it, it reports who owns
/// the gateway, refuses every command, and tries again on each tick, adopting what the old owner left once it takes over.
/// </summary>
internal sealed class HostOwnership(GatewayReattachment reattachment, GatewayState state, GatewayRunTracker runs, ILogger logger)
{
    private string? _ownedElsewhere;

    /// <summary>Gets why this host may not act (another host owns the gateway), or null when it may.</summary>
    public string? Refusal => reattachment.IsOwner ? null : Volatile.Read(ref _ownedElsewhere) ?? "managed by another host";

    /// <summary>Supervision begins: take ownership and adopt a recorded gateway, or report who owns it.</summary>
    public void Begin()
    {
        if (reattachment.TryOwn(out var owner))
        {
            runs.TryAdopt();
            return;
        }

        lock (state.Gate)
        {
            state.Commit_NeedsLock(GatewayTransitions.OwnedElsewhere(state.Current, owner!).Next);
        }

        Volatile.Write(ref _ownedElsewhere, owner);
        Log.GatewayOwnedElsewhere(logger, owner!);
    }

    /// <summary>
    /// The owner went away: take ownership, then re-attach to the gateway it left running, if any; true when this call took it.
    /// The caller holds the operation gate.
    /// </summary>
    public bool TryTakeOver()
    {
        if (reattachment.IsOwner || !reattachment.TryOwn(out _))
        {
            return false;
        }

        lock (state.Gate)
        {
            state.Commit_NeedsLock(GatewayTransitions.OwnershipTaken(state.Current).Next);
        }

        Log.GatewayOwnershipTaken(logger, reattachment.Path + ".lock");
        runs.TryAdopt();
        return true;
    }
}
