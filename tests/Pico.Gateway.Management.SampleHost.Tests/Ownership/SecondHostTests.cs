using System.Globalization;
using Pico.Gateway.Management.SampleHost.Picoclaw;
using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Ownership;

/// <summary>
/// Issue 12 with real sample hosts: a second host started with the first one's configuration (a double click, an overlapping
/// service restart) must not touch the first host's gateway, whether it dies on the busy HTTP port or stays up on another.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Slow)]
public sealed class SecondHostTests
{
    [Fact]
    public async Task A_second_host_on_the_same_port_exits_and_the_first_hosts_gateway_runs_on()
    {
        using var workspace = new TestWorkspace();
        try
        {
            await using var first = await SampleHostProcesses.StartAsync(Settings(workspace));
            var (events, pid) = await first.WaitForRunningGatewayAsync();
            await using (events)
            {
                var second = Settings(workspace);
                second.Urls = first.BaseAddress.GetLeftPart(UriPartial.Authority);
                var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => SampleHostProcesses.StartAsync(second));
                Assert.Contains("exited before it listened", failed.Message, StringComparison.Ordinal);

                await AssertStillOwnedAsync(first, workspace, pid);
            }
        }
        finally
        {
            OwnershipCleanup.KillSurvivors(workspace);
        }
    }

    [Fact]
    public async Task A_second_host_on_another_port_reports_the_owner_refuses_control_and_leaves_the_gateway_alone_when_it_exits()
    {
        using var workspace = new TestWorkspace();
        try
        {
            await using var first = await SampleHostProcesses.StartAsync(Settings(workspace));
            var (events, pid) = await first.WaitForRunningGatewayAsync();
            await using (events)
            {
                await using var second = await SampleHostProcesses.StartAsync(Settings(workspace));
                var reason = $"managed by another host (pid {first.Id})";
                await using (var secondEvents = await ServerSentEventReader.OpenAsync(second.Client))
                {
                    await secondEvents.ReadStatusesUntilAsync(json => json.GetProperty("gateway_status").GetString() == "error");
                }

                var status = await second.GetJsonAsync("/api/gateway/status");
                Assert.Equal("error", status.GetProperty("gateway_status").GetString());
                Assert.Equal(reason, status.GetProperty("last_error").GetString());
                Assert.False(status.TryGetProperty("pid", out _), $"the second host reports pid {status}");

                // Nothing is signalled; the answer says who owns the gateway.
                foreach (var action in new[] { "start", "restart", "stop" })
                {
                    Assert.Equal(reason, await second.PostRefusedAsync(action));
                }

                Assert.True(await second.StopAsync(TestTimeouts.Wait), $"the second host did not exit on SIGTERM:\n{second.Output}");
                Assert.Equal(0, second.ExitCode);

                await AssertStillOwnedAsync(first, workspace, pid);
            }

            // The owner still stops its own gateway on the way out.
            Assert.True(await first.StopAsync(TestTimeouts.Wait), first.Output);
            Assert.False(ProcessTable.IsAlive(pid));
            Assert.False(File.Exists(PidFile(workspace)));
        }
        finally
        {
            OwnershipCleanup.KillSurvivors(workspace);
        }
    }

    [Fact]
    public async Task With_two_live_hosts_only_the_owner_restarts_a_crashed_gateway_one_process_at_a_time()
    {
        using var workspace = new TestWorkspace();
        try
        {
            await using var first = await SampleHostProcesses.StartAsync(Settings(workspace).Set("Gateway:RestartPolicy", "OnFailure"));
            var (events, pid) = await first.WaitForRunningGatewayAsync();
            await using (events)
            {
                await using var second = await SampleHostProcesses.StartAsync(Settings(workspace).Set("Gateway:RestartPolicy", "OnFailure"));
                await using (var secondEvents = await ServerSentEventReader.OpenAsync(second.Client))
                {
                    await secondEvents.ReadStatusesUntilAsync(json => json.GetProperty("gateway_status").GetString() == "error");
                }

                var pids = new List<int> { pid };
                for (var crash = 0; crash < 2; crash++)
                {
                    PosixSignals.Send(pids[^1], PosixSignals.SIGKILL);
                    var previous = pids[^1];
                    var restarted = 0;
                    await events.ReadStatusesUntilAsync(json =>
                        json.GetProperty("gateway_status").GetString() == "running"
                        && json.TryGetProperty("pid", out var p) && (restarted = p.GetInt32()) != previous);
                    pids.Add(restarted);

                    Assert.Equal([restarted], ProcessTable.LiveGatewaysWithMarker(workspace.Marker));
                    var status = await second.GetJsonAsync("/api/gateway/status");
                    Assert.Equal("error", status.GetProperty("gateway_status").GetString());
                    Assert.False(status.TryGetProperty("pid", out _), $"the second host reports a gateway: {status}");
                }

                Assert.Equal(pids.Count, pids.Distinct().Count());
                Assert.True(await second.StopAsync(TestTimeouts.Wait), second.Output);
                await AssertStillOwnedAsync(first, workspace, pids[^1]);
            }
        }
        finally
        {
            OwnershipCleanup.KillSurvivors(workspace);
        }
    }

    internal static TestHostSettings Settings(TestWorkspace workspace) => new TestHostSettings(workspace)
        .UseChild("healthy", "--port", "{port}")
        .Set("Gateway:AutoStart", "true");

    internal static string PidFile(TestWorkspace workspace) => Path.Combine(workspace.Directory, PicoclawSetup.PidFileName);

    private static async Task AssertStillOwnedAsync(SampleHostProcess owner, TestWorkspace workspace, int pid)
    {
        Assert.False(owner.HasExited, owner.Output);
        Assert.Equal([pid], ProcessTable.LiveGatewaysWithMarker(workspace.Marker));
        var status = await owner.GetJsonAsync("/api/gateway/status");
        Assert.Equal("running", status.GetProperty("gateway_status").GetString());
        Assert.Equal(pid, status.GetProperty("pid").GetInt32());
        Assert.Contains($"\"pid\":{pid.ToString(CultureInfo.InvariantCulture)}", await File.ReadAllTextAsync(PidFile(workspace)), StringComparison.Ordinal);
    }
}
