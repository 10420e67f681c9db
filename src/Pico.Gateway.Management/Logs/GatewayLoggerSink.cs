using Microsoft.Extensions.Logging;
using Pico.Gateway.Management.Diagnostics;

namespace Pico.Gateway.Management;

/// <summary>
/// Forwards the gateway's output to <see cref="ILogger"/> under the category <see cref="CategoryName"/>:
/// stdout lines at <see cref="LogLevel.Information"/> (event id 30, <c>GatewayStandardOutput</c>), stderr lines at
/// <see cref="LogLevel.Warning"/> (event id 31, <c>GatewayStandardError</c>), with the text in the <c>Line</c> property.
/// </summary>
/// <remarks>
/// Filter or route the gateway's output by its category, e.g. <c>"Logging": { "LogLevel": { "Pico.Gateway.Management.GatewayOutput": "Warning" } }</c>
/// keeps only stderr. The lines are passed to the logging providers on the pipe-reading threads, so a provider must not block:
/// the console provider blocks when its queue is full unless <c>ConsoleLoggerOptions.QueueFullMode</c> is <c>DropWrite</c>.
/// </remarks>
public sealed class GatewayLoggerSink : ILogSink
{
    /// <summary>The logger category of the gateway's output: <c>Pico.Gateway.Management.GatewayOutput</c>.</summary>
    public const string CategoryName = "Pico.Gateway.Management.GatewayOutput";

    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="GatewayLoggerSink"/> class for the unnamed gateway.</summary>
    /// <param name="loggerFactory">Creates the <see cref="CategoryName"/> logger.</param>
    public GatewayLoggerSink(ILoggerFactory loggerFactory)
        : this(loggerFactory, gatewayName: null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="GatewayLoggerSink"/> class.</summary>
    /// <param name="loggerFactory">Creates the logger.</param>
    /// <param name="gatewayName">
    /// The name of a named gateway: its lines are logged under <c>Pico.Gateway.Management.GatewayOutput.{gatewayName}</c>, so each
    /// gateway can be filtered on its own while a filter on <see cref="CategoryName"/> still covers them all.
    /// <see langword="null"/> logs under <see cref="CategoryName"/>.
    /// </param>
    public GatewayLoggerSink(ILoggerFactory loggerFactory, string? gatewayName)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _logger = loggerFactory.CreateLogger(gatewayName is null ? CategoryName : $"{CategoryName}.{gatewayName}");
    }

    /// <inheritdoc />
    public void Write(in GatewayLogLine line)
    {
        if (line.Stream == GatewayLogStream.StandardError)
        {
            Log.GatewayStandardError(_logger, line.Text);
        }
        else
        {
            Log.GatewayStandardOutput(_logger, line.Text);
        }
    }
}
