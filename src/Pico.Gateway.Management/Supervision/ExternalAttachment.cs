using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pico.Gateway.Management.Diagnostics;
using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// Gateways started outside this host: asks the locator while nothing of ours runs (an external gateway means this host must not
/// spawn a second one), follows what it finds, and says why a command on it is refused. Callers hold the operation gate.
/// </summary>
internal sealed class ExternalAttachment(
    IGatewayLocator? locator, string name, IOptionsMonitor<GatewayOptions> options, GatewayState state, CrashRestartScheduler crashRestarts, GatewayRunTracker runs, ILogger logger)
{
    /// <summary>Gets a value indicating whether a locator is registered at all (without one, nothing here does any work).</summary>
    public bool IsEnabled => locator is not null;

    /// <summary>Gets why a stop, start or restart may not act on the tracked gateway (it is external and control is not allowed), or null.</summary>
    public string? Refusal()
    {
        int pid;
        lock (state.Gate)
        {
            if (state.Live_NeedsLock is not { External: true } run)
            {
                return null;
            }

            pid = run.Id;
        }

        return options.Get(name).External.AllowControl
            ? null
            : $"the gateway was started outside this host (pid {pid}); set Gateway:External:AllowControl to stop or restart it from here";
    }

    /// <summary>Gets a value indicating whether the tracked gateway is an external one.</summary>
    public bool IsTrackingExternal()
    {
        lock (state.Gate)
        {
            return state.Live_NeedsLock is { External: true };
        }
    }

    /// <summary>
    /// While no gateway is tracked and no crash restart is due, asks the locator and follows what it found: true when an external
    /// gateway is now tracked.
    /// </summary>
    public async Task<bool> TryAttachAsync(CancellationToken cancellationToken)
    {
        if (locator is null || !IsIdle())
        {
            return false;
        }

        ExternalGateway? found;
        try
        {
            found = await locator.LocateAsync(cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A locator is user code; the contract is that one that throws found nothing.
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            Log.GatewayLocatorFailed(logger, ex);
            return false;
        }

        if (found is null || !IsIdle())
        {
            return false;
        }

        if (RefuseProcess(found.ProcessId) is { } reason)
        {
            Log.ExternalGatewayIgnored(logger, found.ProcessId, reason);
            return false;
        }

        return runs.TryAttachExternal(found.ProcessId, found.HealthCheckUrl, found.Source ?? "found by " + locator.GetType().Name);
    }

    /// <summary>The processes no locator may hand us: what a signal must never reach, and what could never be a gateway.</summary>
    private static string? RefuseProcess(int pid)
    {
        if (pid <= 1)
        {
            return $"pid {pid} can never be a gateway";
        }

        if (pid == Environment.ProcessId || (OperatingSystem.IsLinux() && ProcessInspection.IsSelfOrAncestor(pid)))
        {
            return $"pid {pid} is this host or one of its ancestors";
        }

        return null;
    }

    private bool IsIdle()
    {
        lock (state.Gate)
        {
            return state.Run is null && !crashRestarts.IsPending_NeedsLock && state.Current.Status is GatewayStatus.Stopped or GatewayStatus.Error;
        }
    }
}
