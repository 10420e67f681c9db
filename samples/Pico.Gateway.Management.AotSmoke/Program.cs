using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pico.Gateway.Management;
using Pico.Gateway.Management.AotSmoke;

// Native AOT smoke test: supervise a real gateway through the public API, published with PublishAot, and exit 0 with "OK".
// Usage: Pico.Gateway.Management.AotSmoke [gateway executable [arguments...]]. The gateway must print "gateway ready" on stdout;
// the default is a shell that does and then sleeps, so the run needs nothing but /bin/sh.
var gateway = args.Length > 0 ? args : ["/bin/sh", "-c", "echo gateway ready; exec sleep 60"];
var logDirectory = Path.Combine(Path.GetTempPath(), $"pico-aot-smoke-{Environment.ProcessId}");
var deadline = TimeSpan.FromSeconds(30);

try
{
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Services.AddSingleton<ReadyLineSignal>();
    builder.Services
        .AddGatewayManagement(options =>
        {
            options.ExecutablePath = gateway[0];
            foreach (var argument in gateway[1..])
            {
                options.Arguments.Add(argument);
            }

            options.StartupProbeInterval = TimeSpan.FromMilliseconds(20);
        })
        .UseHealthProbe<ReadyLineProbe>()
        .AddLogSink<ReadyLineSink>()
        .AddLoggerSink()
        .AddRollingFileSink(file => file.Directory = logDirectory);
    builder.Services.AddHealthChecks().AddGatewayHealthCheck();

    using (var host = builder.Build())
    {
        await host.StartAsync();
        var manager = host.Services.GetRequiredService<IGatewayManager>();

        var started = await manager.StartAsync();
        Check(started.Outcome == GatewayStartOutcome.Started, $"start: {started.Outcome} {started.Message}");
        var running = await manager.WaitForStatusAsync(GatewayStatus.Running).WaitAsync(deadline);
        Console.WriteLine($"running: pid {running.ProcessId}");

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Check(report.Status == HealthStatus.Healthy, $"health check: {report.Status}");

        var stop = await manager.StopAsync();
        Check(stop.Outcome == GatewayStopOutcome.Stopping, $"stop: {stop.Outcome}");
        await stop.Exited.WaitAsync(deadline);
        var stopped = await manager.WaitForStatusAsync(GatewayStatus.Stopped).WaitAsync(deadline);
        Console.WriteLine($"stopped: {(stopped.LastExitSignal is { } signal ? $"signal {signal}" : $"exit code {stopped.LastExitCode}")}");

        await host.StopAsync();
    }

    // Disposing the host flushed and closed the file sink.
    var log = await File.ReadAllTextAsync(Path.Combine(logDirectory, "gateway.log"));
    Check(log.Contains(" out gateway ready", StringComparison.Ordinal), "the file sink did not record the ready line");

    Console.WriteLine("OK");
    return 0;
}
catch (Exception ex) when (ex is SmokeFailure or TimeoutException or IOException)
{
    Console.Error.WriteLine($"FAIL: {ex.Message}");
    return 1;
}
finally
{
    if (Directory.Exists(logDirectory))
    {
        Directory.Delete(logDirectory, recursive: true);
    }
}

static void Check(bool condition, string failure)
{
    if (!condition)
    {
        throw new SmokeFailure(failure);
    }
}

/// <summary>A check of the smoke test failed.</summary>
internal sealed class SmokeFailure(string message) : Exception(message);
