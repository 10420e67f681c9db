using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pico.Gateway.Management.Diagnostics;

namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// What the host does about who owns the gateway, on its own behalf: at the beginning it takes ownership (re-attaching to its own
/// recorded gateway) or, with nothing of its own, looks for an external one; on each tick a refused host takes over once the owner
/// is gone, and a host tracking nothing looks again; when an external gateway goes, <see cref="ExternalGatewayOptions.StartWhenGone"/>
/// starts our own. A start the host makes itself is AutoStart's: refused or failed, it is logged and shown, never thrown.
/// </summary>
internal sealed class OwnershipFollowUp(
    string name,
    IOptionsMonitor<GatewayOptions> options,
    OperationGate operations,
    Func<bool> disposed,
    HostOwnership ownership,
    ExternalAttachment external,
    StartDecision starts,
    GatewayState state,
    ILogger logger,
    CancellationToken lifetime)
{
    /// <summary>Takes ownership, or records who holds it; a new owner with nothing of its own looks for an external gateway.</summary>
    public async Task BeginAsync()
    {
        ownership.Begin();
        if (ownership.Refusal is null && state.LiveProcessId() is null)
        {
            await external.TryAttachAsync(lifetime).ConfigureAwait(false);
        }
    }

    /// <summary>The ownership part of a tick: a take-over when the owner is gone, else a look for an external gateway while none runs.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        if (ownership.Refusal is not null)
        {
            using (await operations.EnterAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!disposed() && ownership.TryTakeOver() && state.LiveProcessId() is null)
                {
                    // Nothing was left to adopt: the new owner does what a host starting now would (a found external gateway, else AutoStart).
                    if (!await external.TryAttachAsync(cancellationToken).ConfigureAwait(false) && options.Get(name).AutoStart)
                    {
                        await AutoStartHoldingGateAsync().ConfigureAwait(false);
                    }
                }
            }
        }
        else if (external.IsEnabled && state.LiveProcessId() is null)
        {
            using (await operations.EnterAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!disposed())
                {
                    await external.TryAttachAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>The external gateway went away: with <see cref="ExternalGatewayOptions.StartWhenGone"/>, this host starts its own.</summary>
    public async Task StartAfterExternalGoneAsync()
    {
        if (!options.Get(name).External.StartWhenGone)
        {
            return;
        }

        try
        {
            using (await operations.EnterAsync(lifetime).ConfigureAwait(false))
            {
                if (!disposed() && ownership.Refusal is null && state.LiveProcessId() is null)
                {
                    await AutoStartHoldingGateAsync().ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
            // The host is going away: nothing is started now.
        }
    }

    private async Task AutoStartHoldingGateAsync()
    {
        var result = await starts.StartAsync(lifetime).ConfigureAwait(false);
        if (result.Outcome is GatewayStartOutcome.PreconditionFailed or GatewayStartOutcome.Failed)
        {
            Log.AutoStartSkipped(logger, result.Message);
        }
    }
}
