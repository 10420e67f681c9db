using System.Globalization;
using Pico.Gateway.Management.SampleHost.Tests.Testing;
using Xunit.Abstractions;

namespace Pico.Gateway.Management.SampleHost.Tests.Ownership;

/// <summary>
/// Issue 12, the chaos side: real sample hosts sharing one configuration are started, SIGKILLed and asked to restart while the
/// gateway is SIGKILLed too, in a seeded random order. After every step at most one gateway process exists; at the end exactly one
/// host owns the one running gateway, and once every host is gone so is the gateway. Set PICO_CHAOS_SEED to replay a run.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Slow)]
public sealed class HostChurnTests(ITestOutputHelper output)
{
    private const int Steps = 12;

    [Fact]
    public async Task Hosts_killed_and_started_at_random_never_leave_two_gateways_and_one_owner_ends_up_running_it()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PICO_CHAOS_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var fixedSeed)
            ? fixedSeed
            : Random.Shared.Next();
        output.WriteLine($"seed {seed} (PICO_CHAOS_SEED={seed} replays it)");
        var random = new Random(seed);
        using var workspace = new TestWorkspace();
        var hosts = new List<SampleHostProcess>();
        var steps = new List<string>();
        var killedOutputs = new List<string>();
        string Because(string what) => $"seed {seed}, after {string.Join(" → ", steps)}: {what}";
        try
        {
            hosts.Add(await StartHostAsync(workspace));
            for (var step = 0; step < Steps; step++)
            {
                switch (random.Next(4))
                {
                    case 0 when hosts.Count < 2:
                        steps.Add("start a host");
                        hosts.Add(await StartHostAsync(workspace));
                        break;
                    case 1 when hosts.Count > 0:
                        var victim = hosts[random.Next(hosts.Count)];
                        steps.Add($"SIGKILL host {victim.Id}");
                        victim.Signal(PosixSignals.SIGKILL);
                        Assert.True(await victim.WaitForExitAsync(TestTimeouts.Wait), Because("a host survived SIGKILL"));
                        killedOutputs.Add($"--- host {victim.Id} (SIGKILLed) ---\n{victim.Output}");
                        hosts.Remove(victim);
                        await victim.DisposeAsync();
                        break;
                    case 2 when ProcessTable.LiveGatewaysWithMarker(workspace.Marker) is [var gateway]:
                        steps.Add($"SIGKILL gateway {gateway}");
                        PosixSignals.Send(gateway, PosixSignals.SIGKILL);
                        break;
                    case 3 when hosts.Count > 0:
                        var asked = hosts[random.Next(hosts.Count)];
                        steps.Add($"restart through host {asked.Id}");
                        using (await asked.Client.PostAsync(new Uri("/api/gateway/restart", UriKind.Relative), content: null))
                        {
                        }

                        break;
                    default:
                        steps.Add("start a host");
                        if (hosts.Count < 2)
                        {
                            hosts.Add(await StartHostAsync(workspace));
                        }

                        break;
                }

                var gateways = ProcessTable.LiveGatewaysWithMarker(workspace.Marker);
                steps[^1] += $" (gateways {string.Join(", ", gateways)}; pid file {PidRecord(workspace)})";
                Assert.True(gateways.Count <= 1, Because($"{gateways.Count} gateways: {string.Join(", ", gateways)}"));
            }

            if (hosts.Count == 0)
            {
                steps.Add("start a host");
                hosts.Add(await StartHostAsync(workspace));
            }

            // At rest: one host (the lock's holder) runs the one gateway, or has none to run yet (a host that takes over from a dead one
            // with nothing to adopt starts its own under AutoStart, which may not have begun); any other host reports the owner.
            SampleHostProcess? owner = null;
            var owners = 0;
            int? running = null;
            foreach (var host in hosts)
            {
                await using var events = await ServerSentEventReader.OpenAsync(host.Client);
                // A crash restart that is due (its backoff running) is at rest too: the owner is started through below, which cancels it.
                // A refusal that names a host the test killed is not at rest: that host takes over on its next tick.
                await events.ReadStatusesUntilAsync(json => json.GetProperty("gateway_status").GetString() switch
                {
                    "running" or "stopped" or "restarting" => true,
                    "error" => RefusingOwnerPid(json) is not { } ownerPid || hosts.Any(h => h.Id == ownerPid),
                    _ => false,
                });
                var status = await host.GetJsonAsync("/api/gateway/status");
                var error = status.TryGetProperty("last_error", out var lastError) ? lastError.GetString() ?? string.Empty : string.Empty;
                if (status.GetProperty("gateway_status").GetString() == "error" && error.StartsWith("managed by another host", StringComparison.Ordinal))
                {
                    continue;
                }

                owners++;
                owner = host;
                running = status.TryGetProperty("pid", out var pid) ? pid.GetInt32() : null;
            }

            Assert.True(owners == 1, Because($"{owners} hosts act as the owner"));
            if (running is null)
            {
                await using var events = await ServerSentEventReader.OpenAsync(owner!.Client);
                using (var started = await owner.Client.PostAsync(new Uri("/api/gateway/start", UriKind.Relative), content: null))
                {
                    steps.Add($"start through the owner {owner.Id}: {(int)started.StatusCode} {await started.Content.ReadAsStringAsync()}");
                    if (!started.IsSuccessStatusCode)
                    {
                        // What the next round needs to tell why: the pid file and every host's log, the killed ones' too.
                        var pidFile = Path.Combine(workspace.Directory, SampleHost.Picoclaw.PicoclawSetup.PidFileName);
                        steps.Add($"pid file: {(File.Exists(pidFile) ? File.ReadAllText(pidFile) : "none")}");
                        steps.AddRange(killedOutputs);
                        steps.AddRange(hosts.Select(h => $"--- host {h.Id} ---\n{h.Output}"));
                    }
                }

                await events.ReadStatusesUntilAsync(json => json.GetProperty("gateway_status").GetString() == "running");
                running = (await owner.GetJsonAsync("/api/gateway/status")).GetProperty("pid").GetInt32();
            }

            Assert.Equal([running!.Value], ProcessTable.LiveGatewaysWithMarker(workspace.Marker));

            foreach (var host in hosts)
            {
                Assert.True(await host.StopAsync(TestTimeouts.Wait), Because($"host {host.Id} did not stop:\n{host.Output}"));
            }

            Assert.Empty(ProcessTable.LiveProcessesWithMarker(workspace.Marker));
        }
        finally
        {
            // Always: a failure's report then tells the steps that led to it.
            output.WriteLine(string.Join("\n", steps));
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }

            OwnershipCleanup.KillSurvivors(workspace);
        }
    }

    // The pid the sample host's pid file names, or "none": what a host that takes over would adopt.
    private static string PidRecord(TestWorkspace workspace)
    {
        var path = Path.Combine(workspace.Directory, SampleHost.Picoclaw.PicoclawSetup.PidFileName);
        try
        {
            return System.Text.Json.JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("pid").GetInt32().ToString(CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return "none";
        }
    }

    // "managed by another host (pid N)" → N; null for any other error.
    private static int? RefusingOwnerPid(System.Text.Json.JsonElement json) =>
        json.TryGetProperty("last_error", out var error)
            && System.Text.RegularExpressions.Regex.Match(error.GetString() ?? string.Empty, @"^managed by another host \(pid (\d+)\)") is { Success: true } match
            ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : null;

    private static Task<SampleHostProcess> StartHostAsync(TestWorkspace workspace) =>
        SampleHostProcesses.StartAsync(SecondHostTests.Settings(workspace).Set("Gateway:RestartPolicy", "OnFailure").Set("Logging:LogLevel:Pico.Gateway.Management", "Information"));
}
