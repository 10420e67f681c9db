using System.Text.Json;

namespace Pico.Gateway.Management;

/// <summary>
/// An immutable snapshot of the gateway's state. Every state change is published as a new instance with a
/// larger <see cref="Sequence"/>; <see cref="IGatewayManager.Current"/> returns the latest one.
/// </summary>
/// <remarks>
/// The state fields are everything but <see cref="HealthDetails"/>, <see cref="HealthText"/>, <see cref="Sequence"/> and <see cref="Timestamp"/>.
/// Health details change on every probe (an uptime counter, say) and are refreshed in <see cref="IGatewayManager.Current"/>
/// without publishing an event, so at a quiet moment the last published event and the current snapshot agree on every state field.
/// </remarks>
public sealed record GatewayEvent
{
    /// <summary>Gets the publication number: strictly increasing, without gaps, starting at 0 for the initial snapshot.</summary>
    public required long Sequence { get; init; }

    /// <summary>Gets the time of the state change, from the manager's <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets the lifecycle state.</summary>
    public required GatewayStatus Status { get; init; }

    /// <summary>Gets the process id of the live gateway process, or <see langword="null"/> when none is tracked.</summary>
    public int? ProcessId { get; init; }

    /// <summary>Gets the configuration fingerprint recorded when the current process was spawned.</summary>
    public string? BootFingerprint { get; init; }

    /// <summary>Gets the configuration fingerprint as last evaluated.</summary>
    public string? CurrentFingerprint { get; init; }

    /// <summary>
    /// Gets a value indicating whether the running gateway booted with a configuration that has changed since
    /// (both fingerprints known and different). Always <see langword="false"/> unless <see cref="Status"/> is <see cref="GatewayStatus.Running"/>.
    /// </summary>
    public bool RestartRequired { get; init; }

    /// <summary>Gets a value indicating whether every start condition was ready when last evaluated.</summary>
    public bool StartAllowed { get; init; } = true;

    /// <summary>Gets the reason the first not-ready start condition gave, when <see cref="StartAllowed"/> is <see langword="false"/>.</summary>
    public string? StartBlockedReason { get; init; }

    /// <summary>Gets the fields of the last healthy probe's JSON body, or <see langword="null"/> when the gateway is not healthy.</summary>
    public IReadOnlyDictionary<string, JsonElement>? HealthDetails { get; init; }

    /// <summary>
    /// Gets the body of the last healthy answer when it is not a JSON object (ASP.NET Core's <c>Healthy</c>, say; at most 1 KiB), or
    /// <see langword="null"/>. Refreshed like <see cref="HealthDetails"/>, without publishing an event.
    /// </summary>
    public string? HealthText { get; init; }

    /// <summary>
    /// Gets, while the gateway is starting, the last readiness probe's outcome in words (<c>connection refused</c>, <c>HTTP 503</c>,
    /// <c>body is not a JSON object</c>); published when it changes, not on every probe. Kept when the startup deadline passes (the
    /// reason <see cref="LastError"/> does not give); <see langword="null"/> once the gateway is running, stopping or gone.
    /// </summary>
    public string? StartupDetail { get; init; }

    /// <summary>
    /// Gets the last <c>STATUS=</c> text a <see cref="GatewayReadinessMode.Notify"/> gateway sent (or <c>stopping</c>, <c>reloading</c>,
    /// <c>errno N</c> for <c>STOPPING=1</c>, <c>RELOADING=1</c>, <c>ERRNO=N</c>); <see langword="null"/> when its process goes.
    /// </summary>
    public string? StatusText { get; init; }

    /// <summary>
    /// Gets the last few lines (at most 5, 1 KiB in all) the last gateway process wrote to stderr before it exited unasked, oldest
    /// first; <see langword="null"/> after a requested stop or restart. When it exited while starting or the crash loop limit was
    /// reached, <see cref="LastError"/> ends with them too.
    /// </summary>
    public IReadOnlyList<string>? LastStderr { get; init; }

    /// <summary>Gets the HTTP status code of a failing health answer (a non-200, or a 200 whose body is not a JSON object).</summary>
    public int? HealthStatusCode { get; init; }

    /// <summary>Gets the reason of the last failure (spawn error, startup timeout, unhealthy answer, unexpected exit, ...).</summary>
    public string? LastError { get; init; }

    /// <summary>Gets the exit code of the last gateway process that exited normally.</summary>
    public int? LastExitCode { get; init; }

    /// <summary>Gets the number of the signal that terminated the last gateway process, if a signal did.</summary>
    public int? LastExitSignal { get; init; }

    /// <summary>Gets the time the last gateway process exited.</summary>
    public DateTimeOffset? LastExitTime { get; init; }

    /// <summary>Gets the time the next crash restart attempt is due, while one is pending.</summary>
    public DateTimeOffset? NextRestartTime { get; init; }

    /// <summary>Gets how many crash restarts happened in a row without the gateway staying up long enough to reset the count.</summary>
    public int RestartAttempt { get; init; }

    /// <summary>Gets a value indicating whether the tracked process was adopted from a pid file rather than spawned by this manager.</summary>
    public bool IsAdopted { get; init; }

    /// <summary>
    /// Gets who started the tracked gateway: <see cref="GatewayOwnership.External"/> for one an <see cref="IGatewayLocator"/> found
    /// started elsewhere (its exit code is never known: it is not this host's child), otherwise <see cref="GatewayOwnership.Owned"/>.
    /// </summary>
    public GatewayOwnership Ownership { get; init; }

    /// <summary>
    /// Gets how the live gateway's process tree is contained (cgroup, tracked or process group), or <see langword="null"/> when no
    /// process is tracked.
    /// </summary>
    public GatewayContainmentMode? ContainmentMode { get; init; }

    /// <summary>Gets a value indicating whether the gateway's options (executable, arguments, environment, health URL) changed since it was spawned.</summary>
    internal bool OptionsChanged { get; init; }

    /// <summary>Gets a value indicating whether this snapshot has the same state fields as <paramref name="other"/>.</summary>
    internal bool HasSameStateAs(GatewayEvent other) =>
        Status == other.Status
        && ProcessId == other.ProcessId
        && BootFingerprint == other.BootFingerprint
        && CurrentFingerprint == other.CurrentFingerprint
        && RestartRequired == other.RestartRequired
        && StartAllowed == other.StartAllowed
        && StartBlockedReason == other.StartBlockedReason
        && HealthStatusCode == other.HealthStatusCode
        && StartupDetail == other.StartupDetail
        && StatusText == other.StatusText
        && ReferenceEquals(LastStderr, other.LastStderr)
        && LastError == other.LastError
        && LastExitCode == other.LastExitCode
        && LastExitSignal == other.LastExitSignal
        && LastExitTime == other.LastExitTime
        && NextRestartTime == other.NextRestartTime
        && RestartAttempt == other.RestartAttempt
        && IsAdopted == other.IsAdopted
        && Ownership == other.Ownership
        && OptionsChanged == other.OptionsChanged
        && ContainmentMode == other.ContainmentMode;
}
