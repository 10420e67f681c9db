namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// How the health monitor's probe loops run. On the system clock each runs on a thread that waits exactly between steps
/// (<see cref="ProbeLoopThread"/>): the steady ticks on one of their own for the manager's life, a starting run's probes on one
/// kept between starts (<see cref="ParkedProbeLoopThread"/>). Any other clock (a test's) drives them through its timers, so a
/// test controls their time.
/// </summary>
internal sealed class ProbeLoops(TimeProvider time) : IDisposable
{
    private readonly ParkedProbeLoopThread _startups = new("gateway startup probes");

    private bool OnSystemClock => ReferenceEquals(time, TimeProvider.System);

    /// <summary>Runs the steady ticks' loop (<see cref="ProbeLoopThread.Run"/> says what a loop is) until it ends.</summary>
    public Task RunSteady(Func<CancellationToken, Task<bool>> step, Func<TimeSpan> interval, CancellationToken cancellationToken) =>
        OnSystemClock ? ProbeLoopThread.Run("gateway ticks", step, interval, cancellationToken) : RunOnTimersAsync(step, interval, cancellationToken);

    /// <summary>Runs a starting run's probe loop until it ends.</summary>
    public Task RunStartup(Func<CancellationToken, Task<bool>> step, Func<TimeSpan> interval, CancellationToken cancellationToken) =>
        OnSystemClock ? _startups.Run(step, interval, cancellationToken) : RunOnTimersAsync(step, interval, cancellationToken);

    /// <summary>Ends the thread kept for startup probes once it has finished the loop it runs, if any.</summary>
    public void Dispose() => _startups.Dispose();

    private async Task RunOnTimersAsync(Func<CancellationToken, Task<bool>> step, Func<TimeSpan> interval, CancellationToken cancellationToken)
    {
        try
        {
            while (await step(cancellationToken).ConfigureAwait(false))
            {
                await Task.Delay(interval(), time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
