using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pico.Gateway.Management.Benchmarks.Idle;

/// <summary>
/// <c>console-host --port N</c>: the library alone, as a worker service uses it — a generic host with <c>AddGatewayManagement()</c>,
/// the default HTTP probe and default intervals (health every 2 s), supervising the bench child in <c>healthy</c> mode. The idle
/// scenario measures this process's CPU with no ASP.NET Core in it.
/// </summary>
internal static class ConsoleHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = Infrastructure.BenchArgs.Parse(args);
        var port = options.Int("port", 0);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddGatewayManagement(gateway =>
        {
            gateway.ExecutablePath = Infrastructure.Paths.Child;
            gateway.Arguments.Add("healthy");
            gateway.Arguments.Add("--port");
            gateway.Arguments.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            gateway.HealthCheckUrl = $"http://127.0.0.1:{port}/health";
            gateway.AutoStart = true;
        });
        await builder.Build().RunAsync();
        return 0;
    }
}
