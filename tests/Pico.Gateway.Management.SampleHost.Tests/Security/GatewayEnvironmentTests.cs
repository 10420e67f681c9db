using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Security;

/// <summary>Issue 14, item 8: the host's own settings, the access token above all, never reach the gateway (an agent that runs tools).</summary>
public sealed class GatewayEnvironmentTests
{
    [Fact]
    public async Task The_gateway_does_not_inherit_the_hosts_settings_but_inherits_the_rest()
    {
        using var workspace = new TestWorkspace();
        var token = $"token-{Guid.NewGuid():N}";
        var hostEnvironment = new Dictionary<string, string>
        {
            ["SampleHost__AccessToken"] = token,
            ["samplehost__accesstoken"] = token,
            ["ASPNETCORE_SampleHost__Note"] = "host only",
            ["PICO_HOST_KEPT"] = "inherited",
        };
        var settings = new TestHostSettings(workspace).Set("Gateway:AutoStart", "true");

        await using var host = await SampleHostProcesses.StartAsync(settings, hostEnvironment);
        host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var (events, pid) = await host.WaitForRunningGatewayAsync();
        await using (events)
        {
            var environment = await ReadEnvironmentAsync(pid);

            Assert.DoesNotContain(environment, entry => entry.Contains(token, StringComparison.Ordinal));
            Assert.DoesNotContain(environment, entry => entry.Contains("SampleHost__", StringComparison.OrdinalIgnoreCase));
            Assert.Contains("PICO_HOST_KEPT=inherited", environment);
            Assert.Contains($"{TestWorkspace.MarkerVariable}={workspace.Marker}", environment);
        }

        // The host takes its gateway down with it; should an assert above fail, disposing the host kills its process tree.
        host.Signal(PosixSignals.SIGTERM);
        Assert.True(await host.WaitForExitAsync(TestTimeouts.Wait), host.Output);
        Assert.False(ProcessTable.IsAlive(pid));
    }

    private static async Task<string[]> ReadEnvironmentAsync(int pid)
    {
        var bytes = await File.ReadAllBytesAsync($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/environ").WaitAsync(TestTimeouts.Wait);
        return Encoding.UTF8.GetString(bytes).Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }
}
