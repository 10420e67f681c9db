using Pico.Gateway.Management.DependencyInjection;
using Pico.Gateway.Management.Tests.Testing;

namespace Pico.Gateway.Management.Tests.DependencyInjection;

/// <summary>
/// The host's start with <see cref="GatewayOptions.AutoStart"/>: a host asked to stop (SIGTERM) while its auto start still waits
/// for the operation gate (another start, a take-over) must not fail its start: it skips the auto start, and its stop then
/// deals with whatever it owns. Before, the cancelled wait made the host report "Hosting failed to start" and exit non-zero.
/// </summary>
public sealed class HostedServiceStartTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_host_stopping_while_its_auto_start_waits_for_the_gate_skips_the_start_without_failing()
    {
        await using var fixture = new ManagerFixture(o => o.AutoStart = true);
        await fixture.Manager.StartSupervisionAsync().WaitAsync(Guard);
        await fixture.Manager.TickAsync(CancellationToken.None).WaitAsync(Guard);
        var checks = fixture.Condition.Checks;
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Condition.Hold = hold.Task;

        // A start that holds the gate while its condition is checked.
        var first = fixture.Manager.StartAsync();
        Assert.True(SpinWait.SpinUntil(() => fixture.Condition.Checks > checks, Guard), "the first start never checked its condition");
        using var stopping = new CancellationTokenSource();
        var hosted = new GatewayHostedService(fixture.Manager, fixture.Options);
        var start = hosted.StartAsync(stopping.Token);
        Assert.False(start.IsCompleted, "the auto start did not wait for the gate");
        await stopping.CancelAsync();

        await start.WaitAsync(Guard);
        fixture.Condition.Hold = null;
        hold.SetResult();
        var started = await first.WaitAsync(Guard);

        Assert.True(start.IsCompletedSuccessfully);
        Assert.Equal(GatewayStartOutcome.Started, started.Outcome);
        Assert.Single(fixture.Launcher.Started);
    }
}
