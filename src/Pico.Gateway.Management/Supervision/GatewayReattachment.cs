using Microsoft.Extensions.Logging;
using Pico.Gateway.Management.Diagnostics;
using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Processes.Containment;

namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// The pid-file side of re-attach: finds the gateway an earlier host recorded, records each spawn, and forgets a run when it
/// exits. Writing and forgetting are serialized, so forgetting an old run (a read, then a delete) can never delete the record
/// a concurrent start has just written for the new one.
/// </summary>
internal sealed class GatewayReattachment(IGatewayPidStore? store, ILogger logger, Func<int, long?>? startTimeOf = null) : IDisposable
{
    private readonly GatewayOwnershipLock? _ownership = store is null ? null : new GatewayOwnershipLock(store.Path + ".lock");

    private readonly Func<int, long?> _startTimeOf = startTimeOf ?? StartTimeOf;
    private bool _released;

    /// <summary>Gets the lock that serializes recording and forgetting.</summary>
    internal Lock FileGate { get; } = new();

    /// <summary>Gets the pid file's path, or null when re-attach is off.</summary>
    public string? Path => store?.Path;

    /// <summary>Gets a value indicating whether this host may act on the gateway: it holds the ownership lock, or re-attach is off.</summary>
    public bool IsOwner => _ownership?.IsHeld ?? true;

    /// <summary>Takes ownership if no other live host holds it; otherwise says who does.</summary>
    public bool TryOwn(out string? owner)
    {
        owner = null;
        if (_ownership is null)
        {
            return true;
        }

        if (Volatile.Read(ref _released))
        {
            // A host that let ownership go (disposed, or standing in for a crashed host in tests) never takes it back.
            owner = "this host has released ownership";
            return false;
        }

        try
        {
            if (_ownership.TryAcquire(out var ownerPid))
            {
                return true;
            }

            owner = ownerPid is { } pid ? $"managed by another host (pid {pid})" : "managed by another host";
        }
        catch (IOException ex)
        {
            owner = $"the ownership lock could not be taken: {ex.Message}";
        }

        return false;
    }

    public void Dispose()
    {
        Volatile.Write(ref _released, true);
        _ownership?.Dispose();
    }

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
                if (store.Distrust() is { } distrust)
                {
                    // Not ours to trust, and not ours to delete either: it is reported and ignored.
                    Log.PidFileDistrusted(logger, store.Path, distrust);
                    return null;
                }

                var record = store.TryRead();
                var refusal = record is null ? "it cannot be read" : AdoptionCheck.Refuse(record, _startTimeOf);
                if (refusal is null)
                {
                    return record;
                }

                if (File.Exists(store.Path))
                {
                    store.Delete();
                    Log.StalePidFileRemoved(logger, store.Path, refusal);
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
    public void Record(int processId, string healthCheckUrl, string? bootFingerprint, RunContainment? containment = null)
    {
        if (store is null || _startTimeOf(processId) is not { } startTime)
        {
            return;
        }

        lock (FileGate)
        {
            try
            {
                store.Write(new GatewayPidRecord(processId, startTime, healthCheckUrl, bootFingerprint)
                {
                    Executable = OperatingSystem.IsLinux() ? ProcessInspection.TryGetExecutable(processId) : null,
                    CommandLine = OperatingSystem.IsLinux() ? ProcessInspection.TryGetCommandLine(processId) : null,
                    Containment = containment?.Mode,
                    CgroupDirectory = containment?.CgroupDirectory,
                    RunCookie = containment?.Cookie,
                });
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
