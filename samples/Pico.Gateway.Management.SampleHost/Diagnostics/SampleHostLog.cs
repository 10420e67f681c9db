namespace Pico.Gateway.Management.SampleHost.Diagnostics;

/// <summary>The sample host's log messages. Event ids are fixed: changing one breaks users' filters.</summary>
internal static partial class SampleHostLog
{
    public const string Category = "Pico.Gateway.Management.SampleHost";

    public static ILogger Create(IServiceProvider services) => services.GetRequiredService<ILoggerFactory>().CreateLogger(Category);

    [LoggerMessage(EventId = 1, EventName = "DashboardListening", Level = LogLevel.Information, Message = "Gateway dashboard: {Url}")]
    public static partial void DashboardListening(ILogger logger, string url);

    [LoggerMessage(EventId = 2, EventName = "DemoConfigCreated", Level = LogLevel.Information, Message = "No picoclaw config found: created a demo config at {ConfigPath}")]
    public static partial void DemoConfigCreated(ILogger logger, string configPath);

    [LoggerMessage(EventId = 3, EventName = "DemoConfigNotCreated", Level = LogLevel.Warning, Message = "No picoclaw config found at {ConfigPath}, and a demo config could not be created there")]
    public static partial void DemoConfigNotCreated(ILogger logger, string configPath, Exception exception);

    [LoggerMessage(EventId = 4, EventName = "UsingConfig", Level = LogLevel.Information, Message = "picoclaw config: {ConfigPath}")]
    public static partial void UsingConfig(ILogger logger, string configPath);

    [LoggerMessage(EventId = 5, EventName = "GatewayCommand", Level = LogLevel.Information, Message = "Gateway command: {ExecutablePath} {Arguments} (health check {HealthCheckUrl})")]
    public static partial void GatewayCommand(ILogger logger, string executablePath, string arguments, string healthCheckUrl);

    [LoggerMessage(EventId = 6, EventName = "GatewayNotFound", Level = LogLevel.Warning, Message = "No gateway program found: set PICOCLAW_BINARY or Gateway:ExecutablePath, put picoclaw on PATH, or build the sample so the demo gateway lands beside it")]
    public static partial void GatewayNotFound(ILogger logger);

    [LoggerMessage(EventId = 7, EventName = "HealthUrlDefaulted", Level = LogLevel.Warning, Message = "Could not read the gateway address from the picoclaw config ({Reason}); probing {HealthCheckUrl}")]
    public static partial void HealthUrlDefaulted(ILogger logger, string reason, string healthCheckUrl);

    [LoggerMessage(EventId = 8, EventName = "CrossOriginRefused", Level = LogLevel.Warning, Message = "Refused {Method} {Path} from another origin ({Origin})")]
    public static partial void CrossOriginRefused(ILogger logger, string method, string path, string origin);

    [LoggerMessage(EventId = 9, EventName = "EventClientDropped", Level = LogLevel.Warning, Message = "Dropped event-stream client {RemoteAddress}: it fell {Capacity} messages or {MaxUnsentBytes} bytes behind")]
    public static partial void EventClientDropped(ILogger logger, string? remoteAddress, int capacity, long maxUnsentBytes);

    [LoggerMessage(EventId = 80, EventName = "MemoryReclaimed", Level = LogLevel.Information, Message = "Reclaimed memory after a burst ({Dropped} dropped event-stream clients, {Lines} gateway lines): one full compacting collection took {PauseMs:0.0} ms, committed heap {CommittedBeforeMiB:0.0} -> {CommittedAfterMiB:0.0} MiB")]
    public static partial void MemoryReclaimed(ILogger logger, long dropped, long lines, double pauseMs, double committedBeforeMiB, double committedAfterMiB);

    [LoggerMessage(EventId = 70, EventName = "ConfigWatchStarted", Level = LogLevel.Debug, Message = "Watching {ConfigPath}: a change re-evaluates the start conditions and restart-required at once")]
    public static partial void ConfigWatchStarted(ILogger logger, string configPath);

    [LoggerMessage(EventId = 71, EventName = "ConfigWatchUnavailable", Level = LogLevel.Warning, Message = "Cannot watch {Directory} for config changes; they are noticed on the next health-check tick instead")]
    public static partial void ConfigWatchUnavailable(ILogger logger, string directory, Exception exception);

    [LoggerMessage(EventId = 72, EventName = "ConfigWatchError", Level = LogLevel.Warning, Message = "The config file watcher lost notifications; the config is read again")]
    public static partial void ConfigWatchError(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 80, EventName = "ExternalGatewayNotClaimed", Level = LogLevel.Information, Message = "picoclaw's pid file {PidFile} names pid {ProcessId}, which is alive but not claimed as the gateway: {Reason}")]
    public static partial void ExternalGatewayNotClaimed(ILogger logger, string pidFile, int processId, string reason);
}
