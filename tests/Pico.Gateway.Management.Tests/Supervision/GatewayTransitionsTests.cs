using System.Text.RegularExpressions;
using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Supervision;

namespace Pico.Gateway.Management.Tests.Supervision;

/// <summary>
/// The state diagram as a table: one row per arrow of README.md's mermaid block, each driving the pure transition function
/// for that edge. The README is parsed, so an arrow without a row, or a row without an arrow, fails.
/// </summary>
public sealed partial class GatewayTransitionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private static readonly HealthProbeResult HealthyAnswer = HealthProbeResult.Healthy();

    private static readonly CrashDecision Restart = new(CrashDecisionKind.Restart, "the gateway exited with code 1 unexpectedly", 1, TimeSpan.Zero);

    private static readonly CrashDecision StayDown = new(CrashDecisionKind.StayDown, null);

    private static readonly CrashDecision CrashLoop = new(CrashDecisionKind.CrashLoop, "crash loop: 5 exits in 60 s");

    private static readonly GatewayProcessExit Crash = new(1, null);

    private static readonly HealthProbeResult TextAnswer = HealthProbeResult.Unhealthy(200, "health check body is text/plain, not a JSON object") with { CannotBecomeHealthy = true };

    /// <summary>Every arrow of the README diagram: from, to, its label, and the transition that realises it.</summary>
    private static readonly (string From, string To, string Label, Func<GatewayEvent, GatewayTransition> Edge)[] Edges =
    [
        ("stopped", "starting", "start, process spawned (deadline = now + StartupTimeout)", s => GatewayTransitions.Spawned(s, 42, "m", GatewayStatus.Starting, 0)),
        ("stopped", "starting", "supervision begins, the gateway in the pid file is re-attached", s => GatewayTransitions.Adopted(s, 42, "m")),
        ("error", "starting", "start, process spawned", s => GatewayTransitions.Spawned(s, 42, "m", GatewayStatus.Starting, 0)),
        ("stopped", "error", "start, spawn failed (LastError = why)", s => GatewayTransitions.SpawnFailed(s, "no such file")),
        ("error", "error", "start, spawn failed", s => GatewayTransitions.SpawnFailed(s, "no such file")),
        ("starting", "running", "healthy probe", s => GatewayTransitions.Healthy(s, HealthyAnswer)),
        ("starting", "error", "StartupTimeout passed without a healthy probe", s => GatewayTransitions.DeadlinePassed(s, TimeSpan.FromSeconds(15))),
        ("starting", "error", "answer that can never be healthy (strict probe, content type not JSON)", s => GatewayTransitions.AnswerCannotBecomeHealthy(s, TextAnswer)),
        ("restarting", "error", "replacement's answer can never be healthy", s => GatewayTransitions.AnswerCannotBecomeHealthy(s, TextAnswer)),
        ("running", "error", "unhealthy answer (non-2xx; strict: non-200 or not a JSON object; status_code set)", s => GatewayTransitions.UnhealthyAnswer(s, HealthProbeResult.Unhealthy(503, "HTTP 503"))),
        ("running", "error", "Notify watchdog: no WATCHDOG=1 within WatchdogTimeout (then killed)", s => GatewayTransitions.WatchdogExpired(s, TimeSpan.FromSeconds(10))),
        ("running", "error", "UnhealthyThreshold probes in a row unanswered", s => GatewayTransitions.Unanswered(s, HealthProbeResult.Unreachable("refused"), 3, 3)),
        ("error", "running", "healthy probe while the process is alive", s => GatewayTransitions.Healthy(s, HealthyAnswer)),
        ("running", "restarting", "restart, start conditions ready", GatewayTransitions.RestartBegun),
        ("error", "restarting", "restart, start conditions ready", GatewayTransitions.RestartBegun),
        ("stopped", "restarting", "restart with nothing running", GatewayTransitions.RestartBegun),
        ("restarting", "running", "old process would not exit after StopTimeout and KillTimeout, kept", s => GatewayTransitions.RestartKeptOld(s, 42)),
        ("restarting", "restarting", "old process exited, replacement spawned (deadline = spawn + StartupTimeout)", s => GatewayTransitions.Spawned(s, 43, "m", GatewayStatus.Restarting, 0)),
        ("restarting", "running", "replacement answers a healthy probe", s => GatewayTransitions.Healthy(s, HealthyAnswer)),
        ("restarting", "error", "replacement failed to spawn", s => GatewayTransitions.SpawnFailed(s, "no such file")),
        ("restarting", "error", "replacement missed StartupTimeout", s => GatewayTransitions.DeadlinePassed(s, TimeSpan.FromSeconds(15))),
        ("starting", "stopping", "stop", GatewayTransitions.StopRequested),
        ("running", "stopping", "stop", GatewayTransitions.StopRequested),
        ("error", "stopping", "stop, process alive", GatewayTransitions.StopRequested),
        ("restarting", "stopping", "stop while the replacement starts", GatewayTransitions.StopRequested),
        ("stopping", "stopped", "process exited (SIGKILL after StopTimeout)", s => GatewayTransitions.Exited(s, GatewayExitCause.Stop, new GatewayProcessExit(null, 9), Now, default)),
        ("stopping", "error", "process outlived SIGTERM and SIGKILL (still tracked)", s => GatewayTransitions.StopFailed(s, 42)),
        ("running", "stopped", "exited on its own, no restart (RestartPolicy Never, or exit code 0 under OnFailure)", s => GatewayTransitions.Exited(s, GatewayExitCause.None, new GatewayProcessExit(0, null), Now, StayDown)),
        ("starting", "stopped", "exited on its own, no restart", s => GatewayTransitions.Exited(s, GatewayExitCause.None, Crash, Now, StayDown)),
        ("running", "restarting", "crashed, crash restart due at once after a healthy run, then with backoff", s => GatewayTransitions.Exited(s, GatewayExitCause.None, Crash, Now, Restart)),
        ("starting", "restarting", "crashed, crash restart due at NextRestartTime", s => GatewayTransitions.Exited(s, GatewayExitCause.None, Crash, Now, Restart with { Delay = TimeSpan.FromSeconds(1) })),
        ("running", "error", "crash loop limit reached", s => GatewayTransitions.Exited(s, GatewayExitCause.None, Crash, Now, CrashLoop)),
        ("restarting", "error", "a start condition refused the crash restart", s => GatewayTransitions.CrashRestartRefused(s, "no default model configured")),
        ("restarting", "stopped", "stop cancels the pending crash restart", GatewayTransitions.PendingRestartCancelled),
        ("stopped", "error", "another live host holds the ownership lock (LastError = managed by another host)", s => GatewayTransitions.OwnedElsewhere(s, "managed by another host (pid 7)")),
        ("error", "stopped", "that host went away, ownership lock taken (re-attach, a located gateway or AutoStart follow)", GatewayTransitions.OwnershipTaken),
        ("stopped", "starting", "the locator finds a gateway started elsewhere (Ownership external)", s => GatewayTransitions.AttachedExternal(s, 42)),
        ("error", "starting", "the locator finds a gateway started elsewhere while none runs", s => GatewayTransitions.AttachedExternal(s, 42)),
        ("starting", "stopped", "external gateway went away (exit code unknown)", s => GatewayTransitions.ExternalExited(s, Now)),
        ("running", "stopped", "external gateway went away (exit code unknown)", s => GatewayTransitions.ExternalExited(s, Now)),
        ("error", "stopped", "external gateway went away (exit code unknown)", s => GatewayTransitions.ExternalExited(s, Now)),
    ];

    public static TheoryData<int> EdgeRows() => [.. Enumerable.Range(0, Edges.Length)];

    [Theory]
    [MemberData(nameof(EdgeRows))]
    public void Each_edge_leads_from_its_state_to_its_target(int row)
    {
        var (from, to, _, edge) = Edges[row];
        var current = Snapshot(Parse(from));

        var next = edge(current).Next;

        Assert.Equal(Parse(to), next.Status);
    }

    [Fact]
    public void The_readme_diagram_and_the_table_name_the_same_edges()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var block = MermaidBlock().Match(readme);
        Assert.True(block.Success, "README.md has no stateDiagram-v2 block");
        var drawn = Arrow().Matches(block.Groups[1].Value).Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value.Trim())).ToHashSet();
        var tabled = Edges.Select(e => (e.From, e.To, e.Label)).ToHashSet();

        Assert.Empty(drawn.Except(tabled));
        Assert.Empty(tabled.Except(drawn));
    }

    [Fact]
    public void A_process_going_away_clears_every_field_that_belonged_to_it()
    {
        var running = Snapshot(GatewayStatus.Running) with
        {
            ProcessId = 42,
            BootFingerprint = "m",
            HealthStatusCode = 503,
            HealthDetails = new Dictionary<string, System.Text.Json.JsonElement>(),
            HealthText = "Healthy",
            StartupDetail = "HTTP 503",
            OptionsChanged = true,
        };

        foreach (var next in new[]
        {
            GatewayTransitions.Exited(running, GatewayExitCause.Stop, Crash, Now, default).Next,
            GatewayTransitions.Exited(running, GatewayExitCause.None, Crash, Now, Restart).Next,
            GatewayTransitions.SpawnFailed(running, "no such file").Next,
        })
        {
            Assert.Null(next.ProcessId);
            Assert.Null(next.BootFingerprint);
            Assert.Null(next.HealthStatusCode);
            Assert.Null(next.HealthDetails);
            Assert.Null(next.HealthText);
            Assert.Null(next.StartupDetail);
            Assert.False(next.OptionsChanged);
        }
    }

    [Fact]
    public void A_crash_restart_carries_its_due_time_attempt_and_reason()
    {
        var next = GatewayTransitions.Exited(Snapshot(GatewayStatus.Running), GatewayExitCause.None, Crash, Now, Restart with { Attempt = 2, Delay = TimeSpan.FromSeconds(1) });

        Assert.Equal(Now + TimeSpan.FromSeconds(1), next.Next.NextRestartTime);
        Assert.Equal(2, next.Next.RestartAttempt);
        Assert.Equal(Restart.LastError, next.Next.LastError);
        Assert.Equal((1, null, Now), (next.Next.LastExitCode, next.Next.LastExitSignal, next.Next.LastExitTime));
        Assert.True(next.Effects.HasFlag(GatewayEffects.ScheduleCrashRestart));
    }

    [Theory]
    [InlineData(GatewayStatus.Starting, "restart", true)]
    [InlineData(GatewayStatus.Running, "restart", false)]
    [InlineData(GatewayStatus.Running, "crash loop", true)]
    public void An_unasked_exit_keeps_the_last_stderr_lines_and_names_them_while_starting_or_in_a_crash_loop(GatewayStatus from, string decision, bool named)
    {
        string[] stderr = ["config: no such file", "fatal: cannot start"];

        var next = GatewayTransitions.Exited(Snapshot(from), GatewayExitCause.None, Crash, Now, decision == "restart" ? Restart : CrashLoop, stderr).Next;

        Assert.Equal(stderr, next.LastStderr);
        Assert.Equal(named, next.LastError!.EndsWith("stderr:\nconfig: no such file\nfatal: cannot start", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unanswered_probe_below_the_threshold_changes_nothing()
    {
        var running = Snapshot(GatewayStatus.Running);

        Assert.Same(running, GatewayTransitions.Unanswered(running, HealthProbeResult.Unreachable("refused"), 2, 3).Next);
        Assert.Same(running, GatewayTransitions.Unanswered(running, HealthProbeResult.Unreachable("refused"), 9, 0).Next);
    }

    [Fact]
    public void A_healthy_probe_in_error_clears_the_error_and_in_running_keeps_it()
    {
        var fromError = GatewayTransitions.Healthy(Snapshot(GatewayStatus.Error) with { LastError = "HTTP 503" }, HealthyAnswer).Next;
        var inRunning = GatewayTransitions.Healthy(Snapshot(GatewayStatus.Running) with { LastError = "restart failed" }, HealthyAnswer).Next;

        Assert.Null(fromError.LastError);
        Assert.Equal("restart failed", inRunning.LastError);
    }

    [Fact]
    public void An_external_gateway_is_marked_external_until_it_goes_and_its_exit_has_no_code()
    {
        var attached = GatewayTransitions.AttachedExternal(Snapshot(GatewayStatus.Error) with { ProcessId = null, LastError = "port 18790 is already in use" }, 42).Next;
        var gone = GatewayTransitions.ExternalExited(attached with { Status = GatewayStatus.Running }, Now);

        Assert.Equal((GatewayOwnership.External, 42, null), (attached.Ownership, attached.ProcessId, attached.LastError));
        Assert.Equal(GatewayOwnership.Owned, gone.Next.Ownership);
        Assert.Equal((null, null, null, Now), (gone.Next.ProcessId, gone.Next.LastExitCode, gone.Next.LastExitSignal, gone.Next.LastExitTime));
        Assert.Equal("the external gateway (pid 42) exited; it was not started by this host, so its exit code is unknown", gone.Next.LastError);
        Assert.False(gone.Effects.HasFlag(GatewayEffects.ScheduleCrashRestart));
        Assert.Equal(GatewayOwnership.Owned, GatewayTransitions.Spawned(attached, 43, "m", GatewayStatus.Restarting, 0).Next.Ownership);
    }

    private static GatewayEvent Snapshot(GatewayStatus status) => new() { Sequence = 7, Timestamp = Now, Status = status, ProcessId = 42 };

    private static GatewayStatus Parse(string name) => Enum.GetValues<GatewayStatus>().Single(s => s.ToJsonName() == name);

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Pico.Gateway.Management.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (Pico.Gateway.Management.sln) was not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"```mermaid\s*\nstateDiagram-v2\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex MermaidBlock();

    [GeneratedRegex(@"^\s*(\w+) --> (\w+) : (.+)$", RegexOptions.Multiline)]
    private static partial Regex Arrow();
}
