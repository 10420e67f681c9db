namespace Pico.Gateway.Management.Tests.Testing;

internal sealed class FakeStartCondition : IGatewayStartCondition
{
    public string? NotReadyReason { get; set; }

    private int _checks;

    public int Checks => Volatile.Read(ref _checks);

    /// <summary>Gets or sets a task every check waits for before it answers (a slow condition, holding whoever called it).</summary>
    public Task? Hold { get; set; }

    public async ValueTask<StartConditionResult> CheckAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _checks);
        if (Hold is { } hold)
        {
            await hold.ConfigureAwait(false);
        }

        return NotReadyReason is null ? StartConditionResult.Ready : StartConditionResult.NotReady(NotReadyReason);
    }
}

internal sealed class FakeFingerprint : IGatewayConfigurationFingerprint
{
    public string? Value { get; set; }

    public ValueTask<string?> GetFingerprintAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Value);
}
