using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pico.Gateway.Management.Tests.Child;

/// <summary>
/// A whole host as a user builds one (a generic host with <c>AddGatewayManagement</c>), supervising this program in <c>healthy</c>
/// mode as its gateway, for tests that start, SIGTERM and SIGKILL real hosts. Every state change is printed as one <c>STATE</c> line.
/// </summary>
internal static class HostMode
{
    public static async Task<int> RunAsync(CommandLine commandLine)
    {
        var pidFile = commandLine.GetString("pid-file") ?? throw new UsageException("--pid-file is required");
        var port = commandLine.GetRequiredInt32("port");
        var marker = commandLine.GetString("marker") ?? throw new UsageException("--marker is required");
        var autoStart = commandLine.GetString("auto-start") == "true";
        commandLine.EnsureAllOptionsUsed();

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddGatewayManagement(options =>
        {
            options.ExecutablePath = Environment.ProcessPath;
            foreach (var argument in new[] { "healthy", "--port", port.ToString(CultureInfo.InvariantCulture) })
            {
                options.Arguments.Add(argument);
            }
            options.HealthCheckUrl = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/health");
            options.Environment["PICO_GATEWAY_TEST_MARKER"] = marker;
            options.PidFilePath = pidFile;
            options.AutoStart = autoStart;
            options.RestartPolicy = GatewayRestartPolicy.OnFailure;
            options.RestartBackoffBase = TimeSpan.FromMilliseconds(100);
            options.HealthCheckInterval = TimeSpan.FromMilliseconds(100);
            options.StopTimeout = TimeSpan.FromSeconds(5);

            // A killed host leaves its gateway behind on purpose; a cgroup per run would be left behind with it.
            options.Containment = GatewayContainmentMode.ProcessGroup;
        });

        using var host = builder.Build();
        var manager = host.Services.GetRequiredService<IGatewayManager>();
        using (manager.Events.Subscribe(new StatePrinter()))
        {
            await host.RunAsync();
        }

        Console.Out.WriteLine("EXITED");
        return 0;
    }
}
