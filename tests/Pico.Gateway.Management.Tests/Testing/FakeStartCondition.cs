namespace Pico.Gateway.Management.Tests.Testing;

internal sealed class FakeStartCondition : IGatewayStartCondition
{
    public string? NotReadyReason { get; set; }

    public int Checks { get; private set; }

    public ValueTask<StartConditionResult> CheckAsync(CancellationToken cancellationToken)
    {
        Checks++;
        return ValueTask.FromResult(NotReadyReason is null ? StartConditionResult.Ready : StartConditionResult.NotReady(NotReadyReason));
    }
}

internal sealed class FakeFingerprint : IGatewayConfigurationFingerprint
{
    public string? Value { get; set; }

    public ValueTask<string?> GetFingerprintAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Value);
}
