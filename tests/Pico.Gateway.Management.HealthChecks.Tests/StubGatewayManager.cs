namespace Pico.Gateway.Management.HealthChecks.Tests;

/// <summary>A manager whose snapshot the test sets: the health check reads nothing else.</summary>
internal sealed class StubGatewayManager : IGatewayManager
{
    public GatewayEvent Current { get; set; } = new() { Sequence = 0, Timestamp = DateTimeOffset.UnixEpoch, Status = GatewayStatus.Stopped };

    public IObservable<GatewayEvent> Events => throw new NotSupportedException();

    public IGatewayLogs Logs => throw new NotSupportedException();

    public Task StartSupervisionAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task RefreshConditionsAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<GatewayStartResult> StartAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<GatewayStopResult> StopAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<GatewayStartResult> RestartAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public StubGatewayManager With(GatewayStatus status, int? pid = null, string? lastError = null)
    {
        Current = Current with { Sequence = Current.Sequence + 1, Status = status, ProcessId = pid, LastError = lastError };
        return this;
    }
}
