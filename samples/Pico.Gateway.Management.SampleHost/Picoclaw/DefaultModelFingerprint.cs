namespace Pico.Gateway.Management.SampleHost.Picoclaw;

/// <summary>picoclaw's notion of "the config the gateway booted with": the default model name.</summary>
internal sealed class DefaultModelFingerprint(PicoclawSetup setup) : IGatewayConfigurationFingerprint
{
    public ValueTask<string?> GetFingerprintAsync(CancellationToken cancellationToken)
    {
        try
        {
            var name = PicoclawConfig.Load(setup.ConfigPath).DefaultModelName;
            return ValueTask.FromResult<string?>(name.Length == 0 ? null : name);
        }
        catch (PicoclawConfigException)
        {
            // The start condition reports the broken file; an unknown fingerprint only means no restart is flagged.
            return ValueTask.FromResult<string?>(null);
        }
    }
}
