using Microsoft.Extensions.Logging;

namespace Pico.Gateway.Management;

/// <summary>The log sinks' messages. Event ids 30-39 belong to the sinks and are fixed: changing one breaks users' filters.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 30, EventName = "GatewayStandardOutput", Level = LogLevel.Information, Message = "{Line}")]
    public static partial void GatewayStandardOutput(ILogger logger, string line);

    [LoggerMessage(EventId = 31, EventName = "GatewayStandardError", Level = LogLevel.Warning, Message = "{Line}")]
    public static partial void GatewayStandardError(ILogger logger, string line);

    [LoggerMessage(EventId = 32, EventName = "FileSinkWriteFailed", Level = LogLevel.Warning, Message = "Could not write the gateway's output to {Path}; its lines are dropped until a write succeeds")]
    public static partial void FileSinkWriteFailed(ILogger logger, string path, Exception exception);
}
