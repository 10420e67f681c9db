using System.Net.Sockets;
using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// The one place a <see cref="SpareSpawn"/> waits for the next run: made next to a run, taken by a crash restart, or given up. A
/// spare given up is discarded in the background, each after the one before, so that waiting for the last discard waits for all.
/// </summary>
internal sealed class SpareSlot(IGatewayProcessLauncher launcher, IGatewayOutputHandler output)
{
    private readonly Lock _gate = new();

    // The spare as it is being made or made, and the run it was made next to; null when there is none.
    private Task<SpareSpawn?>? _spare;
    private ProcessRun? _spareOwner;

    // Completes once every spare given up so far is gone (reaped, its cgroup removed).
    private Task _discarded = Task.CompletedTask;

    /// <summary>Gets the spare as it is being made, or null.</summary>
    public Task<SpareSpawn?>? Current
    {
        get
        {
            lock (_gate)
            {
                return _spare;
            }
        }
    }

    /// <summary>
    /// Gives up the spare, if there is one (and, given <paramref name="madeFor"/>, only if it was made next to that run); completes once
    /// it and every spare given up before it are gone.
    /// </summary>
    public Task DiscardAsync(ProcessRun? madeFor)
    {
        lock (_gate)
        {
            if (madeFor is not null && !ReferenceEquals(_spareOwner, madeFor))
            {
                // A run that ended late does not take the spare of the run that followed it.
                return _discarded;
            }

            var spare = _spare;
            (_spare, _spareOwner) = (null, null);
            return Discard_NeedsGate(spare);
        }
    }

    /// <summary>Spawns the next run's process in the background, off the path of the start that asked for it.</summary>
    public void Prepare(ProcessRun owner, GatewayProcessStartInfo startInfo)
    {
        var making = Task.Run(() =>
        {
            try
            {
                return new SpareSpawn(startInfo, launcher.Start(startInfo, output, held: true));
            }
            catch (Exception ex) when (ex is GatewaySpawnException or IOException or UnauthorizedAccessException or SocketException)
            {
                // The restart will spawn as usual, and report what fails then.
                return null;
            }
        });
        lock (_gate)
        {
            _ = Discard_NeedsGate(_spare);
            (_spare, _spareOwner) = (making, owner);
        }
    }

    /// <summary>The spare, when it is ready and runs exactly <paramref name="wanted"/>; any other spare is discarded.</summary>
    public IGatewayProcess? Take(GatewayProcessStartInfo wanted)
    {
        lock (_gate)
        {
            var spare = _spare;
            (_spare, _spareOwner) = (null, null);
            if (spare is { IsCompletedSuccessfully: true, Result: { } ready } && ready.Fits(wanted))
            {
                return ready.Process;
            }

            // Not ready yet (waiting for it would cost what it saves), or for another launch.
            _ = Discard_NeedsGate(spare);
            return null;
        }
    }

    private Task Discard_NeedsGate(Task<SpareSpawn?>? spare)
    {
        if (spare is not null)
        {
            _discarded = DiscardAfterAsync(_discarded, spare);
        }

        return _discarded;
    }

    private static async Task DiscardAfterAsync(Task before, Task<SpareSpawn?> spare)
    {
        await before.ConfigureAwait(false);

        // A spare that could not be made is simply not there.
        var made = await spare.ContinueWith(
            static making => making.IsCompletedSuccessfully ? making.Result : null, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
            .ConfigureAwait(false);
        if (made is not null)
        {
            await made.DiscardAsync().ConfigureAwait(false);
        }
    }
}
