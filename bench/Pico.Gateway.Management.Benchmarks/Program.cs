using BenchmarkDotNet.Running;
using Pico.Gateway.Management.Benchmarks.Micro;
using Pico.Gateway.Management.Benchmarks.Peers;
using Pico.Gateway.Management.Benchmarks.Scenarios;

namespace Pico.Gateway.Management.Benchmarks;

/// <summary>
/// <c>scenarios ...</c>: the end-to-end scenario table; <c>stuck-clients ...</c>: the event stream under 500 clients that never read; <c>peers ...</c>: the same child under supervisord, PM2 and us;
/// <c>idle ...</c>: hosts' idle CPU over a longer warm-up; <c>hosts ...</c>: the host part of <c>peers</c> alone; <c>host-flood ...</c>: the sample host's memory around log floods;
/// anything else goes to BenchmarkDotNet (<c>--filter *</c> runs every micro benchmark).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["scenarios", .. var scenarioArgs])
        {
            return await ScenarioRunner.RunAsync(scenarioArgs);
        }

        if (args is ["stuck-clients", .. var stuckArgs])
        {
            return await StuckClientsScenario.RunAsync(stuckArgs);
        }

        if (args is ["idle", .. var idleArgs])
        {
            return await Idle.IdleRunner.RunAsync(idleArgs);
        }

        if (args is ["host-flood", .. var floodArgs])
        {
            return await Idle.SampleHostFlood.RunAsync(floodArgs);
        }

        if (args is ["console-host", .. var hostArgs])
        {
            return await Idle.ConsoleHost.RunAsync(hostArgs);
        }

        if (args is ["hosts", .. var hostsArgs])
        {
            return await Idle.HostRunner.RunAsync(hostsArgs);
        }

        if (args is ["peers", .. var peerArgs])
        {
            return await PeerRunner.RunAsync(peerArgs);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, MicroConfig.Create());
        return 0;
    }
}
