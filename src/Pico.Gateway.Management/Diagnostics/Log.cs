using Microsoft.Extensions.Logging;

namespace Pico.Gateway.Management.Diagnostics;

/// <summary>The library's log messages. Event ids are fixed: changing one breaks users' filters.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, EventName = "GatewayStarted", Level = LogLevel.Information, Message = "Gateway started (pid {ProcessId}) from {ExecutablePath}")]
    public static partial void GatewayStarted(ILogger logger, int processId, string executablePath);

    [LoggerMessage(EventId = 2, EventName = "GatewayStartFailed", Level = LogLevel.Error, Message = "Gateway could not be started: {Error}")]
    public static partial void GatewayStartFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 3, EventName = "GatewayStartRefused", Level = LogLevel.Warning, Message = "Gateway start refused: {Reason}")]
    public static partial void GatewayStartRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 4, EventName = "GatewayExited", Level = LogLevel.Information, Message = "Gateway (pid {ProcessId}) {Exit}")]
    public static partial void GatewayExited(ILogger logger, int processId, Pico.Gateway.Management.Processes.GatewayProcessExit exit);

    [LoggerMessage(EventId = 5, EventName = "GatewayExitedUnexpectedly", Level = LogLevel.Warning, Message = "Gateway (pid {ProcessId}) {Exit} without being asked to stop")]
    public static partial void GatewayExitedUnexpectedly(ILogger logger, int processId, Pico.Gateway.Management.Processes.GatewayProcessExit exit);

    [LoggerMessage(EventId = 6, EventName = "GatewayStopping", Level = LogLevel.Information, Message = "Stopping gateway (pid {ProcessId}): sent SIGTERM to its process group")]
    public static partial void GatewayStopping(ILogger logger, int processId);

    [LoggerMessage(EventId = 7, EventName = "GatewayKilled", Level = LogLevel.Warning, Message = "Gateway (pid {ProcessId}) did not exit within {Timeout}: killed its process group")]
    public static partial void GatewayKilled(ILogger logger, int processId, TimeSpan timeout);

    [LoggerMessage(EventId = 8, EventName = "GatewayWouldNotExit", Level = LogLevel.Error, Message = "Gateway (pid {ProcessId}) did not exit within {Timeout} of being killed")]
    public static partial void GatewayWouldNotExit(ILogger logger, int processId, TimeSpan timeout);

    [LoggerMessage(EventId = 10, EventName = "StartupTimedOut", Level = LogLevel.Warning, Message = "Gateway (pid {ProcessId}) did not become healthy within {Timeout}")]
    public static partial void StartupTimedOut(ILogger logger, int processId, TimeSpan timeout);

    [LoggerMessage(EventId = 11, EventName = "GatewayUnhealthy", Level = LogLevel.Warning, Message = "Gateway (pid {ProcessId}) is unhealthy: {Description}")]
    public static partial void GatewayUnhealthy(ILogger logger, int processId, string? description);

    [LoggerMessage(EventId = 12, EventName = "StartConditionFailed", Level = LogLevel.Warning, Message = "Start condition {Condition} threw")]
    public static partial void StartConditionFailed(ILogger logger, string condition, Exception exception);

    [LoggerMessage(EventId = 13, EventName = "LogSinkFailed", Level = LogLevel.Warning, Message = "Log sink {Sink} threw; the line still reached the other sinks")]
    public static partial void LogSinkFailed(ILogger logger, string sink, Exception exception);

    [LoggerMessage(EventId = 14, EventName = "ObserverFailed", Level = LogLevel.Warning, Message = "A gateway event subscriber threw and was unsubscribed")]
    public static partial void ObserverFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 15, EventName = "AutoStartSkipped", Level = LogLevel.Warning, Message = "Gateway auto-start skipped: {Reason}")]
    public static partial void AutoStartSkipped(ILogger logger, string? reason);

    [LoggerMessage(EventId = 16, EventName = "RestartKeptOldProcess", Level = LogLevel.Error, Message = "Restart failed: the old gateway (pid {ProcessId}) did not exit and is still tracked")]
    public static partial void RestartKeptOldProcess(ILogger logger, int processId);

    [LoggerMessage(EventId = 17, EventName = "HealthProbeFailed", Level = LogLevel.Debug, Message = "Health probe threw")]
    public static partial void HealthProbeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 18, EventName = "FingerprintFailed", Level = LogLevel.Warning, Message = "The configuration fingerprint provider threw")]
    public static partial void FingerprintFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 19, EventName = "CrashRestartScheduled", Level = LogLevel.Warning, Message = "Gateway crash restart {Attempt} scheduled in {Delay}")]
    public static partial void CrashRestartScheduled(ILogger logger, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 20, EventName = "CrashRestarting", Level = LogLevel.Information, Message = "Gateway crash restart {Attempt}: spawning")]
    public static partial void CrashRestarting(ILogger logger, int attempt);

    [LoggerMessage(EventId = 21, EventName = "CrashLoop", Level = LogLevel.Error, Message = "Gateway is crash looping ({Detail}); no more automatic restarts until it is started again")]
    public static partial void CrashLoop(ILogger logger, string detail);

    [LoggerMessage(EventId = 22, EventName = "GatewayAdopted", Level = LogLevel.Information, Message = "Re-attached to the running gateway (pid {ProcessId}) recorded in {PidFile}")]
    public static partial void GatewayAdopted(ILogger logger, int processId, string pidFile);

    [LoggerMessage(EventId = 23, EventName = "StalePidFileRemoved", Level = LogLevel.Information, Message = "Removed the stale pid file {PidFile} without signalling anything: {Reason}")]
    public static partial void StalePidFileRemoved(ILogger logger, string pidFile, string reason);

    [LoggerMessage(EventId = 24, EventName = "PidFileFailed", Level = LogLevel.Warning, Message = "Could not use the pid file {PidFile}")]
    public static partial void PidFileFailed(ILogger logger, string pidFile, Exception exception);

    [LoggerMessage(EventId = 40, EventName = "PidFileDistrusted", Level = LogLevel.Warning, Message = "Ignored the pid file {PidFile}: {Reason}; nothing it names is adopted or signalled")]
    public static partial void PidFileDistrusted(ILogger logger, string pidFile, string reason);

    [LoggerMessage(EventId = 41, EventName = "GatewayOwnedElsewhere", Level = LogLevel.Warning, Message = "The gateway is managed by another host ({Owner}); this host neither adopts, starts nor stops it, and takes over when that host goes")]
    public static partial void GatewayOwnedElsewhere(ILogger logger, string owner);

    [LoggerMessage(EventId = 44, EventName = "ExternalGatewayAttached", Level = LogLevel.Information, Message = "Found a gateway started outside this host (pid {ProcessId}, {Source}); it is reported and probed at {HealthUrl}, its output is not captured, and it is never stopped when this host exits")]
    public static partial void ExternalGatewayAttached(ILogger logger, int processId, string source, string healthUrl);

    [LoggerMessage(EventId = 45, EventName = "ExternalGatewayExited", Level = LogLevel.Warning, Message = "The external gateway (pid {ProcessId}) exited; it was not started by this host, so its exit code is unknown")]
    public static partial void ExternalGatewayExited(ILogger logger, int processId);

    [LoggerMessage(EventId = 46, EventName = "GatewayLocatorFailed", Level = LogLevel.Warning, Message = "The gateway locator failed; counted as finding no external gateway")]
    public static partial void GatewayLocatorFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 47, EventName = "ExternalGatewayIgnored", Level = LogLevel.Warning, Message = "The gateway locator named pid {ProcessId}, which is ignored: {Reason}")]
    public static partial void ExternalGatewayIgnored(ILogger logger, int processId, string reason);

    [LoggerMessage(EventId = 43, EventName = "ReloadedOptionsInvalid", Level = LogLevel.Error, Message = "The reloaded gateway configuration is not valid and is ignored; the options in force stay: {Errors}")]
    public static partial void ReloadedOptionsInvalid(ILogger logger, string errors);

    [LoggerMessage(EventId = 42, EventName = "GatewayOwnershipTaken", Level = LogLevel.Information, Message = "This host now owns the gateway (lock {LockFile})")]
    public static partial void GatewayOwnershipTaken(ILogger logger, string lockFile);

    // Event ids 25-29 belong to process containment.
    [LoggerMessage(EventId = 25, EventName = "ContainmentSelected", Level = LogLevel.Information, Message = "Gateway containment: {Mode} ({Detail})")]
    public static partial void ContainmentSelected(ILogger logger, GatewayContainmentMode mode, string detail);

    [LoggerMessage(EventId = 26, EventName = "ContainmentFallback", Level = LogLevel.Warning, Message = "Gateway containment {Requested} is not available ({Reason}); using {Mode}")]
    public static partial void ContainmentFallback(ILogger logger, GatewayContainmentMode requested, string reason, GatewayContainmentMode mode);

    [LoggerMessage(EventId = 27, EventName = "DescendantsKilled", Level = LogLevel.Information, Message = "Killed {Count} process(es) the gateway (pid {ProcessId}) left behind")]
    public static partial void DescendantsKilled(ILogger logger, int count, int processId);

    [LoggerMessage(EventId = 28, EventName = "DescendantsSurvived", Level = LogLevel.Error, Message = "{Count} process(es) of the gateway's tree (pid {ProcessId}) were still alive {Bound} after being killed")]
    public static partial void DescendantsSurvived(ILogger logger, int count, int processId, TimeSpan bound);

    [LoggerMessage(EventId = 29, EventName = "CgroupRemoveFailed", Level = LogLevel.Warning, Message = "Could not remove the gateway's cgroup {Path}: {Error}")]
    public static partial void CgroupRemoveFailed(ILogger logger, string path, string? error);

    [LoggerMessage(EventId = 33, EventName = "PortServedByStranger", Level = LogLevel.Warning, Message = "A healthy answer did not count for the gateway (pid {ProcessId}): {Detail}")]
    public static partial void PortServedByStranger(ILogger logger, int processId, string detail);

    [LoggerMessage(EventId = 34, EventName = "AdoptedContainmentDowngraded", Level = LogLevel.Warning, Message = "The re-attached gateway (pid {ProcessId}) is contained by {Mode} only: {Reason}")]
    public static partial void AdoptedContainmentDowngraded(ILogger logger, int processId, GatewayContainmentMode mode, string reason);

    // Event ids 30-39 belong to the log sinks.
    [LoggerMessage(EventId = 30, EventName = "GatewayStandardOutput", Level = LogLevel.Information, Message = "{Line}")]
    public static partial void GatewayStandardOutput(ILogger logger, string line);

    [LoggerMessage(EventId = 31, EventName = "GatewayStandardError", Level = LogLevel.Warning, Message = "{Line}")]
    public static partial void GatewayStandardError(ILogger logger, string line);

    [LoggerMessage(EventId = 32, EventName = "FileSinkWriteFailed", Level = LogLevel.Warning, Message = "Could not write the gateway's output to {Path}; its lines are dropped until a write succeeds")]
    public static partial void FileSinkWriteFailed(ILogger logger, string path, Exception exception);

    // Event ids 50-59 belong to readiness.
    [LoggerMessage(EventId = 50, EventName = "NotifyRefused", Level = LogLevel.Warning, Message = "Ignored a notify datagram from pid {SenderId}, which is not of the gateway's tree (pid {ProcessId})")]
    public static partial void NotifyRefused(ILogger logger, int senderId, int processId);

    [LoggerMessage(EventId = 51, EventName = "WatchdogExpired", Level = LogLevel.Error, Message = "The gateway (pid {ProcessId}) sent no WATCHDOG=1 within {Timeout}: killing it as hung")]
    public static partial void WatchdogExpired(ILogger logger, int processId, TimeSpan timeout);

    [LoggerMessage(EventId = 52, EventName = "GatewayStatusNotified", Level = LogLevel.Debug, Message = "The gateway (pid {ProcessId}) reports: {Status}")]
    public static partial void GatewayStatusNotified(ILogger logger, int processId, string status);

    [LoggerMessage(EventId = 60, EventName = "OutputSpoolFailed", Level = LogLevel.Warning, Message = "Could not follow the gateway's output spool {Path}: {Reason}; its lines are not captured")]
    public static partial void OutputSpoolFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 61, EventName = "OutputSpoolUnbounded", Level = LogLevel.Warning, Message = "Could not free the read part of the gateway's output spool {Path} ({Reason}): this file system cannot punch holes, so the spool grows until the gateway exits")]
    public static partial void OutputSpoolUnbounded(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 62, EventName = "StagedSpoolNotPromoted", Level = LogLevel.Warning, Message = "Could not put the restarted gateway's output spool in place at {Path}: {Reason}; its lines are captured, but a host that re-attaches later resumes from the older files")]
    public static partial void StagedSpoolNotPromoted(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 63, EventName = "ExecGateUnavailable", Level = LogLevel.Warning, Message = "{Shell} is missing: the gateway is spawned directly, not held until the pid file names it, so a host killed between a spawn and its record leaves that gateway unrecorded")]
    public static partial void ExecGateUnavailable(ILogger logger, string shell);
}
