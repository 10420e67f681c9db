using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pico.Gateway.Management.Tests.Child;

/// <summary>Modes that run the library itself, for tests that must not run it inside the test process (a PID namespace).</summary>
internal static class OwnershipModes
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Writes a faithful pid record of pid 1 (its real start time, executable and command line, owner-only), then runs a manager
    /// over it from supervision to disposal, and prints what the manager made of it. Meant for a throw-away PID namespace only:
    /// outside one, pid 1 is the machine's init.
    /// </summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static async Task<int> AdoptPidOneAsync(CommandLine commandLine)
    {
        var pidFile = commandLine.GetString("pid-file") ?? throw new UsageException("--pid-file is required");
        commandLine.EnsureAllOptionsUsed();

        WritePidOneRecord(pidFile);
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Information));
        services.AddGatewayManagement(options =>
        {
            // Never started: the test is about what the manager does with the record, not about a gateway of its own.
            options.ExecutablePath = "/bin/false";
            options.PidFilePath = pidFile;
            options.AutoStart = false;
        });

        await using (var provider = services.BuildServiceProvider())
        {
            var manager = provider.GetRequiredService<IGatewayManager>();
            await manager.StartSupervisionAsync().WaitAsync(Guard);
            var current = manager.Current;
            Console.Out.WriteLine($"SUPERVISING status={current.Status} pid={current.ProcessId?.ToString(CultureInfo.InvariantCulture) ?? "none"} adopted={current.IsAdopted}");
            var stop = await manager.StopAsync().WaitAsync(Guard);
            Console.Out.WriteLine($"STOP {stop.Outcome}");
        }

        Console.Out.WriteLine($"PIDFILE {(File.Exists(pidFile) ? "kept" : "removed")}");
        return 0;
    }

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static void WritePidOneRecord(string path)
    {
        // /proc/1/stat: "pid (comm) state ..."; the start time is field 22, the 20th after the parenthesized name.
        var stat = File.ReadAllText("/proc/1/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var startTime = long.Parse(fields[19], CultureInfo.InvariantCulture);
        var executable = new FileInfo("/proc/1/exe").LinkTarget;
        var arguments = File.ReadAllText("/proc/1/cmdline").TrimEnd('\0').Split('\0');

        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        using var stream = new FileStream(path, options);
        using var writer = new Utf8JsonWriter(stream);
        writer.WriteStartObject();
        writer.WriteNumber("pid", 1);
        writer.WriteNumber("start_time", startTime);
        writer.WriteString("health_url", "http://127.0.0.1:1/health");
        writer.WriteString("exe", executable);
        writer.WriteStartArray("cmdline");
        foreach (var argument in arguments)
        {
            writer.WriteStringValue(argument);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        Console.Out.WriteLine($"RECORDED pid=1 start_time={startTime} exe={executable}");
    }
}
