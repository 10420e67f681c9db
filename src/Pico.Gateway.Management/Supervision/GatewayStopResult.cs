namespace Pico.Gateway.Management;

/// <summary>The outcome of <see cref="IGatewayManager.StopAsync"/>.</summary>
/// <remarks>
/// A stop answers as soon as the graceful termination signal is sent. The manager then waits
/// <see cref="GatewayOptions.StopTimeout"/> for the process to exit and kills its process group if it has not.
/// Await <see cref="Exited"/> to wait for all of that.
/// </remarks>
public sealed class GatewayStopResult
{
    private static readonly GatewayStopResult NotRunningResult = new(GatewayStopOutcome.NotRunning, null, Task.CompletedTask);

    private GatewayStopResult(GatewayStopOutcome outcome, int? processId, Task exited, string? message = null)
    {
        Message = message;
        Outcome = outcome;
        ProcessId = processId;
        Exited = exited;
    }

    /// <summary>Gets what happened.</summary>
    public GatewayStopOutcome Outcome { get; }

    /// <summary>Gets the pid of the process being stopped, for <see cref="GatewayStopOutcome.Stopping"/>.</summary>
    public int? ProcessId { get; }

    /// <summary>Gets a task that completes when the process has exited (gracefully or after the kill), or at once when none was running.</summary>
    public Task Exited { get; }

    /// <summary>Gets why the stop was refused, for <see cref="GatewayStopOutcome.Refused"/>.</summary>
    public string? Message { get; }

    /// <summary>This host may not act on the gateway: another live host owns it. Nothing is signalled.</summary>
    /// <param name="reason">Who owns it.</param>
    /// <returns>The result.</returns>
    public static GatewayStopResult Refused(string reason) => new(GatewayStopOutcome.Refused, null, Task.CompletedTask, reason);

    /// <summary>A stop was started.</summary>
    /// <param name="processId">The process being stopped.</param>
    /// <param name="exited">Completes when it has exited.</param>
    /// <returns>The result.</returns>
    public static GatewayStopResult Stopping(int processId, Task exited) => new(GatewayStopOutcome.Stopping, processId, exited);

    /// <summary>Nothing was running.</summary>
    /// <returns>The result.</returns>
    public static GatewayStopResult NotRunning() => NotRunningResult;
}
