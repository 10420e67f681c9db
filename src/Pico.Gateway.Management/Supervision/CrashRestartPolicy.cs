using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// The crash-restart rules of <see cref="GatewayOptions"/>: which exits restart, the exponential backoff (no jitter: there is one
/// gateway, not a fleet), its reset after a stable run, and the crash-loop limit. It keeps the recent exits and the attempt count;
/// the manager calls it under its lock. The first restart after a gateway that had answered healthily is immediate (as PM2 and
/// supervisord restart at once); backoff applies from the next attempt on, as systemd's RestartSteps do.
/// </summary>
internal sealed class CrashRestartPolicy(GatewayOptions options)
{
    private readonly Queue<DateTimeOffset> _recentExits = new();
    private int _attempt;

    // Whether the current sequence began with an immediate attempt: the backoff's exponent then starts one attempt later.
    private bool _begunAtOnce;

    /// <summary>A start, restart or stop from the user begins a new history.</summary>
    public void Forget()
    {
        _recentExits.Clear();
        _attempt = 0;
        _begunAtOnce = false;
    }

    /// <summary>Whether <see cref="Decide"/> would restart at once, recording nothing: what a spare is kept for.</summary>
    public bool WouldRestartAtOnce(GatewayProcessExit exit, DateTimeOffset? runningSince, DateTimeOffset now)
    {
        if (runningSince is not { } since
            || options.RestartPolicy == GatewayRestartPolicy.Never
            || (options.RestartPolicy == GatewayRestartPolicy.OnFailure && exit.ExitCode == 0))
        {
            return false;
        }

        var recentExits = _recentExits.Count(exited => now - exited < options.CrashLoopWindow) + 1;
        var attempt = (now - since >= options.RestartResetAfter ? 0 : _attempt) + 1;
        return recentExits < options.CrashLoopMaxExits && attempt == 1;
    }

    public CrashDecision Decide(GatewayProcessExit exit, DateTimeOffset? runningSince, DateTimeOffset now)
    {
        var failed = exit.ExitCode != 0;
        var failure = failed ? $"the gateway {exit} unexpectedly" : null;
        if (options.RestartPolicy == GatewayRestartPolicy.Never || (options.RestartPolicy == GatewayRestartPolicy.OnFailure && !failed))
        {
            return new CrashDecision(CrashDecisionKind.StayDown, failure);
        }

        while (_recentExits.TryPeek(out var oldest) && now - oldest >= options.CrashLoopWindow)
        {
            _recentExits.Dequeue();
        }

        _recentExits.Enqueue(now);
        if (_recentExits.Count >= options.CrashLoopMaxExits)
        {
            var crashLoop = $"crash loop: {_recentExits.Count} exits in {Durations.Format(options.CrashLoopWindow)}";
            return new CrashDecision(CrashDecisionKind.CrashLoop, $"{crashLoop} (last: {failure ?? "the gateway " + exit})");
        }

        if (runningSince is { } since && now - since >= options.RestartResetAfter)
        {
            _attempt = 0;
        }

        _attempt++;
        if (_attempt == 1)
        {
            _begunAtOnce = runningSince is not null;
            if (_begunAtOnce)
            {
                return new CrashDecision(CrashDecisionKind.Restart, failure ?? $"the gateway {exit}", _attempt, TimeSpan.Zero);
            }
        }

        var step = _attempt - (_begunAtOnce ? 2 : 1);
        var delay = options.RestartBackoffBase * Math.Pow(2, Math.Min(step, 30));
        return new CrashDecision(
            CrashDecisionKind.Restart,
            failure ?? $"the gateway {exit}",
            _attempt,
            delay > options.RestartBackoffMax ? options.RestartBackoffMax : delay);
    }
}
