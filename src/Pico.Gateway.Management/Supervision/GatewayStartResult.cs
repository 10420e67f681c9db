namespace Pico.Gateway.Management;

/// <summary>The outcome of <see cref="IGatewayManager.StartAsync"/> or <see cref="IGatewayManager.RestartAsync"/>. Expected outcomes are values, not exceptions.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="ProcessId">The pid of the spawned or already running process, when there is one.</param>
/// <param name="Message">The precondition reason or the error, for <see cref="GatewayStartOutcome.PreconditionFailed"/> and <see cref="GatewayStartOutcome.Failed"/>.</param>
public sealed record GatewayStartResult(GatewayStartOutcome Outcome, int? ProcessId, string? Message)
{
    /// <summary>A process was spawned.</summary>
    /// <param name="processId">The new process id.</param>
    /// <returns>The result.</returns>
    public static GatewayStartResult Started(int processId) => new(GatewayStartOutcome.Started, processId, null);

    /// <summary>A process is already alive.</summary>
    /// <param name="processId">Its process id.</param>
    /// <returns>The result.</returns>
    public static GatewayStartResult AlreadyRunning(int processId) => new(GatewayStartOutcome.AlreadyRunning, processId, null);

    /// <summary>A start condition was not ready.</summary>
    /// <param name="reason">The condition's reason.</param>
    /// <returns>The result.</returns>
    public static GatewayStartResult PreconditionFailed(string reason) => new(GatewayStartOutcome.PreconditionFailed, null, reason);

    /// <summary>The request failed.</summary>
    /// <param name="error">What went wrong.</param>
    /// <param name="processId">The process still tracked, if any (a restart whose old process would not exit).</param>
    /// <returns>The result.</returns>
    public static GatewayStartResult Failed(string error, int? processId = null) => new(GatewayStartOutcome.Failed, processId, error);

    /// <summary>This host may not act on the gateway: another live host owns it.</summary>
    /// <param name="reason">Who owns it, e.g. <c>managed by another host (pid 4242)</c>.</param>
    /// <returns>The result.</returns>
    public static GatewayStartResult Refused(string reason) => new(GatewayStartOutcome.Refused, null, reason);
}
