using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pico.Gateway.Management.SampleHost.Picoclaw;
using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Picoclaw;

public sealed class ReattachTests
{
    [Fact]
    public async Task The_pid_file_lives_beside_the_picoclaw_config()
    {
        await using var host = await TestHost.StartAsync();

        var options = host.App.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;

        Assert.Equal(Path.Combine(host.Workspace.Directory, PicoclawSetup.PidFileName), options.PidFilePath);
    }

    [Fact]
    public async Task An_empty_pid_file_setting_turns_re_attach_off()
    {
        await using var host = await TestHost.StartAsync(settings => settings.Set("Gateway:PidFilePath", string.Empty));

        Assert.Null(host.App.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.PidFilePath);
    }

    [Fact]
    public async Task A_host_started_while_its_gateway_still_runs_re_attaches_instead_of_spawning_another()
    {
        await using var first = await TestHost.StartAsync();
        var pid = await first.StartRunningAsync();

        // Stands for a host that crashed and came back: the gateway it recorded is still running, and the kernel has
        // released the crashed host's ownership lock.
        ((Pico.Gateway.Management.Supervision.GatewayManager)first.Manager).ReleaseOwnershipAsIfCrashed();
        await using (var second = await TestHost.StartSharingAsync(first))
        {
            var adopted = await second.WaitForAsync(e => e.Status == GatewayStatus.Running);
            Assert.Equal(pid, adopted.ProcessId);
            Assert.True(adopted.IsAdopted);
            using var start = await second.PostAsync("/api/gateway/start");
            Assert.Equal(HttpStatusCode.Conflict, start.StatusCode);
            Assert.Equal(pid, (await TestHost.ReadJsonAsync(start)).GetProperty("pid").GetInt32());
        }

        // A re-attached gateway counts as the host's own: it went down with the second host.
        Assert.False(ProcessTable.IsAlive(pid));
    }
}
