using Microsoft.Extensions.Logging;
using Pico.Gateway.Management.Diagnostics;
using Pico.Gateway.Management.Health;
using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// One spawned or adopted gateway process and what belongs to it: graceful-then-forceful termination, the exit with its
/// output drained, the cancellation of its probes, and the per-run facts the health monitor and the crash policy need.
/// Fields marked "guarded" are read and written under <see cref="GatewayState.Gate"/>.
/// </summary>
internal sealed class ProcessRun(IGatewayProcess process, bool adopted, GatewayOptions options, TimeProvider time, ILogger logger, Uri? healthUrl = null)
{
    // How long an exit waits for the pipes to close before it is published; only a descendant that escaped the tree can hold them longer.
    private static readonly TimeSpan OutputCloseTimeout = TimeSpan.FromSeconds(1);

    private readonly TaskCompletionSource _exitHandled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _terminationGate = new();
    private Task<bool>? _termination;
    private ITimer? _startupDeadline;
    private ITimer? _watchdog;
    private int _healthyNotified;
    private ListenerVerdict? _reportedStranger;

    public IGatewayProcess Process { get; } = process;

    public int Id => Process.Id;

    public bool Adopted { get; } = adopted;

    /// <summary>Gets the options the run was started (or adopted) with: a change in configuration applies to the next run.</summary>
    public GatewayOptions Options { get; } = options;

    /// <summary>Gets a value indicating whether a locator found this gateway started outside this host (it is never stopped on host exit).</summary>
    public bool External { get; init; }

    /// <summary>Gets where the run is probed: the configured URL, or the one a locator gave for an external gateway.</summary>
    public Uri HealthUrl { get; } = healthUrl ?? new(options.HealthCheckUrl, UriKind.Absolute);

    /// <summary>Gets or sets the startup deadline's timer; <see cref="EndStartup"/> disposes it.</summary>
    public ITimer? StartupDeadline
    {
        get => Volatile.Read(ref _startupDeadline);
        set => Volatile.Write(ref _startupDeadline, value);
    }

    /// <summary>Gets or sets the source the gateway pushes readiness to (a notify socket, a ready line), or null when it is polled.</summary>
    public IReadinessSource? Signals { get; set; }

    /// <summary>Gets or sets the watchdog timer of a Notify run with a watchdog, re-armed by each ping; <see cref="EndReadiness"/> disposes it.</summary>
    public ITimer? Watchdog
    {
        get => Volatile.Read(ref _watchdog);
        set => Volatile.Write(ref _watchdog, value);
    }

    /// <summary>The exit: the notify socket closes, the watchdog stops.</summary>
    public void EndReadiness()
    {
        Signals?.Dispose();
        Interlocked.Exchange(ref _watchdog, null)?.Dispose();
    }

    /// <summary>Gets or sets why the process is going away (guarded).</summary>
    public GatewayExitCause StopCause { get; set; }

    /// <summary>Gets or sets a value indicating whether the exit was committed (guarded).</summary>
    public bool HasExited { get; set; }

    /// <summary>Gets or sets when the process first answered healthily (guarded).</summary>
    public DateTimeOffset? RunningSince { get; set; }

    /// <summary>Gets or sets what to do once, when the process first answers healthily, before that is published.</summary>
    public Action<ProcessRun>? BecameHealthy { get; set; }

    /// <summary>Runs <see cref="BecameHealthy"/> the first time only; called outside the lock.</summary>
    public void NotifyHealthy()
    {
        if (Interlocked.Exchange(ref _healthyNotified, 1) == 0)
        {
            BecameHealthy?.Invoke(this);
        }
    }

    /// <summary>Gets whose socket answers this run's probes, judged once per listening socket.</summary>
    public ListenerOwnership Listener { get; } = new();

    /// <summary>Whether <paramref name="verdict"/> is news worth a log line: the first time this run hears of that stranger.</summary>
    public bool TryReportStranger(ListenerVerdict verdict) => !ReferenceEquals(Interlocked.Exchange(ref _reportedStranger, verdict), verdict);

    /// <summary>Gets or sets how many steady probes in a row got no answer (guarded).</summary>
    public int ConsecutiveProbeFailures { get; set; }

    /// <summary>Gets the token that ends this run's probes: cancelled on termination and on exit.</summary>
    public CancellationTokenSource Cancellation { get; } = new();

    /// <summary>Gets a task that completes once the exit was committed and published.</summary>
    public Task ExitHandled => _exitHandled.Task;

    public void MarkExitHandled() => _exitHandled.TrySetResult();

    /// <summary>
    /// Waits for the exit, then until the output is in the sinks, so an exit is published with complete logs and a new run never
    /// receives the old one's lines. Only the pipes closing is bounded: what was read is finite and sinks do not block.
    /// </summary>
    public async Task<GatewayProcessExit> WaitForExitAndOutputAsync()
    {
        var exit = await Process.Exited.ConfigureAwait(false);
        await WaitForOutputAsync().ConfigureAwait(false);
        return exit;
    }

    /// <summary>Waits until the output read so far is in the sinks (bounded by the pipes closing).</summary>
    public async Task WaitForOutputAsync()
    {
        try
        {
            await Process.OutputClosed.WaitAsync(OutputCloseTimeout, time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return;
        }

        await Process.OutputCompleted.ConfigureAwait(false);
    }

    /// <summary>The first healthy answer, the deadline, a stop or the exit: the startup deadline is no longer needed.</summary>
    public void EndStartup() => Interlocked.Exchange(ref _startupDeadline, null)?.Dispose();

    /// <summary>
    /// Begins graceful-then-forceful termination, or joins the one in progress: true once the exit was handled, false if the
    /// process outlived SIGTERM, <see cref="GatewayOptions.StopTimeout"/>, SIGKILL and <see cref="GatewayOptions.KillTimeout"/>.
    /// </summary>
    public Task<bool> TerminateAsync()
    {
        lock (_terminationGate)
        {
            if (_termination is not { IsCompleted: false })
            {
                _termination = TerminateCoreAsync(Options.StopTimeout, Options.KillTimeout);
            }

            return _termination;
        }
    }

    private async Task<bool> TerminateCoreAsync(TimeSpan stopTimeout, TimeSpan killTimeout)
    {
        await Cancellation.CancelAsync().ConfigureAwait(false);
        Process.SignalTerminate();
        Log.GatewayStopping(logger, Id);
        if (await WaitForExitHandledAsync(stopTimeout).ConfigureAwait(false))
        {
            return true;
        }

        Process.Kill();
        Log.GatewayKilled(logger, Id, stopTimeout);
        if (await WaitForExitHandledAsync(killTimeout).ConfigureAwait(false))
        {
            return true;
        }

        Log.GatewayWouldNotExit(logger, Id, killTimeout);
        return false;
    }

    private async Task<bool> WaitForExitHandledAsync(TimeSpan timeout)
    {
        try
        {
            await ExitHandled.WaitAsync(timeout, time).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
