using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Ownership;

/// <summary>
/// Issue 12, item 4 with real processes: a gateway the user started by hand (the demo gateway with picoclaw's own pid file) is shown
/// as running and not owned, is never stopped by the host, and when it goes the host says so (and starts its own when told to).
/// </summary>
[Trait(TestCategory.Name, TestCategory.Slow)]
public sealed class ExternalGatewayTests
{
    [Fact]
    public async Task A_gateway_started_by_hand_is_reported_not_owned_refused_and_left_running_when_the_host_exits()
    {
        using var workspace = new TestWorkspace();
        try
        {
            using var gateway = await workspace.StartHandStartedGatewayAsync();
            await using var host = await SampleHostProcesses.StartAsync(new TestHostSettings(workspace));
            var (events, pid) = await host.WaitForRunningGatewayAsync();
            await events.DisposeAsync();

            Assert.Equal(gateway.Id, pid);
            var status = await host.GetJsonAsync("/api/gateway/status");
            Assert.False(status.GetProperty("gateway_owned").GetBoolean(), status.ToString());
            Assert.Equal("demo", status.GetProperty("version").GetString());
            foreach (var action in new[] { "stop", "restart", "start" })
            {
                var message = await host.PostRefusedAsync(action);
                Assert.StartsWith($"the gateway was started outside this host (pid {gateway.Id})", message, StringComparison.Ordinal);
            }

            Assert.True(await host.StopAsync(TestTimeouts.Wait), host.Output);
            Assert.Equal(0, host.ExitCode);
            Assert.Equal([gateway.Id], ProcessTable.LiveGatewaysWithMarker(workspace.Marker));
        }
        finally
        {
            OwnershipCleanup.KillSurvivors(workspace);
        }
    }

    [Fact]
    public async Task When_the_gateway_started_by_hand_exits_the_host_reports_stopped_and_with_StartWhenGone_starts_its_own()
    {
        using var workspace = new TestWorkspace();
        try
        {
            using var gateway = await workspace.StartHandStartedGatewayAsync();
            await using var host = await SampleHostProcesses.StartAsync(new TestHostSettings(workspace).Set("Gateway:External:StartWhenGone", "true"));
            var (events, pid) = await host.WaitForRunningGatewayAsync();
            await using (events)
            {
                Assert.Equal(gateway.Id, pid);

                gateway.Kill();
                string? lastError = null;
                await events.ReadStatusesUntilAsync(json =>
                    json.GetProperty("gateway_status").GetString() == "stopped" && (lastError = json.GetProperty("last_error").GetString()) is not null);
                Assert.Equal($"the external gateway (pid {gateway.Id}) exited; it was not started by this host, so its exit code is unknown", lastError);

                var own = 0;
                await events.ReadStatusesUntilAsync(json =>
                    json.GetProperty("gateway_status").GetString() == "running" && json.GetProperty("gateway_owned").GetBoolean()
                    && (own = json.GetProperty("pid").GetInt32()) != 0);
                Assert.NotEqual(gateway.Id, own);
                Assert.Equal([own], ProcessTable.LiveGatewaysWithMarker(workspace.Marker));
            }

            // Its own gateway goes with it.
            Assert.True(await host.StopAsync(TestTimeouts.Wait), host.Output);
            Assert.Empty(ProcessTable.LiveProcessesWithMarker(workspace.Marker));
        }
        finally
        {
            OwnershipCleanup.KillSurvivors(workspace);
        }
    }
}
