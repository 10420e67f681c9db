namespace Pico.Gateway.Management.Conditions;

internal sealed class NoConfigurationFingerprint : IGatewayConfigurationFingerprint
{
    public ValueTask<string?> GetFingerprintAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
}
