namespace Pico.Gateway.Management;

internal sealed class NoConfigurationFingerprint : IGatewayConfigurationFingerprint
{
    public ValueTask<string?> GetFingerprintAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
}
