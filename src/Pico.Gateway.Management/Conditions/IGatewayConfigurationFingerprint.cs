namespace Pico.Gateway.Management;

/// <summary>
/// Summarizes the configuration the gateway boots with (picoclaw: the default model name). The manager records it at spawn time;
/// while the gateway runs, a different current value sets <see cref="GatewayEvent.RestartRequired"/>.
/// </summary>
/// <remarks>The default implementation returns <see langword="null"/>, which never requires a restart.</remarks>
public interface IGatewayConfigurationFingerprint
{
    /// <summary>Computes the fingerprint of the current configuration.</summary>
    /// <param name="cancellationToken">Cancelled when the manager no longer needs the answer.</param>
    /// <returns>The fingerprint, or <see langword="null"/> when unknown.</returns>
    ValueTask<string?> GetFingerprintAsync(CancellationToken cancellationToken);
}
