using Microsoft.Extensions.Logging;
using Pico.Gateway.Management.Diagnostics;
using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// The pid-file side of re-attach: finds the gateway an earlier host recorded, records each spawn, and forgets a run when it
/// exits. Writing and forgetting are serialized, so forgetting an old run (a read, then a delete) can never delete the record
/// a concurrent start has just written for the new one.
/// </summary>
internal sealed class GatewayReattachment(IGatewayPidStore? store, ILogger logger, Func<int, long?>? startTimeOf = null)
{
    private readonly Func<int, long?> _startTimeOf = startTimeOf ?? StartTimeOf;

    /// <summary>Gets the lock that serializes recording and forgetting.</summary>
    internal Lock FileGate { get; } = new();

    /// <summary>Gets the pid file's path, or null when re-attach is off.</summary>
    public string? Path => store?.Path;

    /// <summary>
    /// Reads the record: a live process with the same pid AND start time is returned for adoption; anything else makes the
    /// file stale, and it is removed.
    /// </summary>
    public GatewayPidRecord? TryFindRecorded()
    {
        if (store is null || OperatingSystem.IsWindows())
        {
            return null;
        }

        lock (FileGate)
        {
            try
            {
                var record = store.TryRead();
                if (record is not null && _startTimeOf(record.ProcessId) == record.StartTime)
                {
                    return record;
                }

                if (File.Exists(store.Path))
                {
                    store.Delete();
                    Log.StalePidFileRemoved(logger, store.Path);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.PidFileFailed(logger, store.Path, ex);
            }

            return null;
        }
    }

    /// <summary>Records a spawned gateway. A failure is reported, not thrown: the gateway itself is fine.</summary>
    public void Record(int processId, string healthCheckUrl, string? bootFingerprint)
    {
        if (store is null || _startTimeOf(processId) is not { } startTime)
        {
            return;
        }

        lock (FileGate)
        {
            try
            {
                store.Write(new GatewayPidRecord(processId, startTime, healthCheckUrl, bootFingerprint));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Without the record a crashed host cannot re-attach, but the gateway itself is fine: report, do not fail the start.
                Log.PidFileFailed(logger, store.Path, ex);
            }
        }
    }

    /// <summary>Removes the record if it still names <paramref name="processId"/>.</summary>
    public void Forget(int processId)
    {
        if (store is null)
        {
            return;
        }

        lock (FileGate)
        {
            try
            {
                if (store.TryRead()?.ProcessId == processId)
                {
                    store.Delete();
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.PidFileFailed(logger, store.Path, ex);
            }
        }
    }

    private static long? StartTimeOf(int processId) => ProcessIdentity.TryGetStartTime(processId, out var startTime) ? startTime : null;
}
