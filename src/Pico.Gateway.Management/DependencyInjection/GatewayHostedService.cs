using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pico.Gateway.Management.Diagnostics;

namespace Pico.Gateway.Management.DependencyInjection;

/// <summary>Starts the gateway with the host when <see cref="GatewayOptions.AutoStart"/> is set, and stops the gateway it owns (graceful, then kill) when the host stops.</summary>
internal sealed class GatewayHostedService(IGatewayManager manager, GatewayOptions options, ILoggerFactory? loggerFactory = null) : IHostedService
{
    private readonly ILogger _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Pico.Gateway.Management.GatewayManager");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await manager.StartSupervisionAsync(cancellationToken).ConfigureAwait(false);
        if (!options.AutoStart)
        {
            return;
        }

        GatewayStartResult result;
        try
        {
            result = await manager.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host is stopping before the auto start got the operation gate (another start or a take-over held it): no start,
            // and no failed host start either; StopAsync follows and stops whatever this host owns.
            Log.AutoStartSkipped(_logger, "the host is stopping");
            return;
        }

        if (result.Outcome is GatewayStartOutcome.PreconditionFailed or GatewayStartOutcome.Failed)
        {
            // A gateway that cannot start must not stop the host: the status and the UI say why.
            Log.AutoStartSkipped(_logger, result.Message);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // A gateway this host owns (spawned, or adopted from our own pid file) goes with it; an external one never does.
        var result = manager is Supervision.GatewayManager ours
            ? await ours.StopForHostExitAsync().ConfigureAwait(false)
            : await manager.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await result.Exited.WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
