using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Supervision;

namespace Pico.Gateway.Management.Tests.Supervision;

/// <summary>The restart rules on their own, without a manager: plain values in, a decision out.</summary>
public sealed class CrashRestartPolicyDecisionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    private static CrashRestartPolicy Create(GatewayRestartPolicy policy = GatewayRestartPolicy.OnFailure, int crashLoopMaxExits = 5) => new(new GatewayOptions
    {
        RestartPolicy = policy,
        RestartBackoffBase = TimeSpan.FromSeconds(1),
        RestartBackoffMax = TimeSpan.FromSeconds(30),
        RestartResetAfter = TimeSpan.FromSeconds(60),
        CrashLoopMaxExits = crashLoopMaxExits,
        CrashLoopWindow = TimeSpan.FromSeconds(60),
    });

    [Theory]
    [InlineData(GatewayRestartPolicy.Never, 1, false)]
    [InlineData(GatewayRestartPolicy.Never, 0, false)]
    [InlineData(GatewayRestartPolicy.OnFailure, 1, true)]
    [InlineData(GatewayRestartPolicy.OnFailure, 0, false)]
    [InlineData(GatewayRestartPolicy.Always, 0, true)]
    public void The_policy_decides_which_exits_restart(GatewayRestartPolicy policy, int exitCode, bool restarts)
    {
        var decision = Create(policy).Decide(new GatewayProcessExit(exitCode, null), null, T0);

        Assert.Equal(restarts ? CrashDecisionKind.Restart : CrashDecisionKind.StayDown, decision.Kind);
    }

    [Fact]
    public void A_signal_or_an_unknown_exit_counts_as_a_failure()
    {
        var policy = Create();

        Assert.Equal(CrashDecisionKind.Restart, policy.Decide(new GatewayProcessExit(null, 9), null, T0).Kind);
        Assert.Equal(CrashDecisionKind.Restart, policy.Decide(GatewayProcessExit.Unknown, null, T0.AddSeconds(1)).Kind);
    }

    [Fact]
    public void Delays_double_up_to_the_cap()
    {
        var policy = Create(crashLoopMaxExits: 7);
        var now = T0;
        var delays = new List<double>();
        for (var i = 0; i < 6; i++)
        {
            var decision = policy.Decide(new GatewayProcessExit(1, null), null, now);
            delays.Add(decision.Delay.TotalSeconds);
            now += decision.Delay;
        }

        Assert.Equal([1, 2, 4, 8, 16, 30], delays);
        var loop = policy.Decide(new GatewayProcessExit(1, null), null, now);
        Assert.Equal(CrashDecisionKind.Restart, loop.Kind);
    }

    [Fact]
    public void Exits_older_than_the_window_do_not_count_towards_a_crash_loop()
    {
        var policy = Create(crashLoopMaxExits: 3);

        policy.Decide(new GatewayProcessExit(1, null), null, T0);
        policy.Decide(new GatewayProcessExit(1, null), null, T0.AddSeconds(10));
        // At 65 s the exit at 0 s has left the 60 s window: two count, not three.
        var third = policy.Decide(new GatewayProcessExit(1, null), null, T0.AddSeconds(65));

        Assert.Equal(CrashDecisionKind.Restart, third.Kind);
        var fourth = policy.Decide(new GatewayProcessExit(1, null), null, T0.AddSeconds(66));
        Assert.Equal(CrashDecisionKind.CrashLoop, fourth.Kind);
        Assert.Equal("crash loop: 3 exits in 60 s (last: the gateway exited with code 1 unexpectedly)", fourth.LastError);
    }

    [Fact]
    public void A_stable_run_resets_the_backoff_and_forget_starts_over()
    {
        var policy = Create();
        policy.Decide(new GatewayProcessExit(1, null), null, T0);
        Assert.Equal(2, policy.Decide(new GatewayProcessExit(1, null), null, T0.AddSeconds(5)).Attempt);

        // After a stable (healthy) run the sequence starts over, and its first restart is immediate.
        var afterStableRun = policy.Decide(new GatewayProcessExit(1, null), runningSince: T0.AddSeconds(10), now: T0.AddSeconds(71));
        Assert.Equal((1, TimeSpan.Zero), (afterStableRun.Attempt, afterStableRun.Delay));

        policy.Forget();
        Assert.Equal(1, policy.Decide(new GatewayProcessExit(1, null), null, T0.AddSeconds(72)).Attempt);
    }

    [Fact]
    public void The_first_restart_after_a_healthy_run_is_immediate_and_the_backoff_follows()
    {
        var policy = Create(crashLoopMaxExits: 10);
        var delays = new List<double>();
        var now = T0;
        for (var i = 0; i < 4; i++)
        {
            var decision = policy.Decide(new GatewayProcessExit(1, null), runningSince: now.AddSeconds(-1), now);
            delays.Add(decision.Delay.TotalSeconds);
            now += decision.Delay + TimeSpan.FromSeconds(2);
        }

        Assert.Equal([0, 1, 2, 4], delays);
    }
}
