namespace Pico.Gateway.Management.Tests.Child;

internal sealed record HealthSettings(int Port, int DelayMs, int StatusCode, string? Body, string? HealthFile, string? ExitRoute, string ContentType)
{
    public static HealthSettings Read(CommandLine commandLine, int port) => new(
        port,
        commandLine.GetInt32("delay-ms", 0),
        commandLine.GetInt32("status", 200),
        commandLine.GetString("body"),
        commandLine.GetString("health-file"),
        commandLine.GetString("exit-route"),
        commandLine.GetString("content-type") ?? "application/json");
}
