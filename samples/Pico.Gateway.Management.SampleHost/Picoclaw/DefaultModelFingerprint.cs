using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pico.Gateway.Management.SampleHost.Picoclaw;

/// <summary>
/// What the running gateway booted with, as picoclaw's newer launchers compare it: the default model name, its
/// <c>model_list</c> entry (model, api_base, auth_method and the API key) and the gateway's host and port. The fingerprint
/// is <c>"&lt;default model&gt; (sha256:&lt;hex&gt;)"</c>: the name stays readable for the status API, the rest is hashed so
/// the API key never appears in an event, a log or the status.
/// </summary>
internal sealed class DefaultModelFingerprint(PicoclawSetup setup) : IGatewayConfigurationFingerprint
{
    private const string HashPrefix = " (sha256:";

    public ValueTask<string?> GetFingerprintAsync(CancellationToken cancellationToken)
    {
        try
        {
            return ValueTask.FromResult(Of(setup.LoadConfig()));
        }
        catch (PicoclawConfigException)
        {
            // The start condition reports the broken file; an unknown fingerprint only means no restart is flagged.
            return ValueTask.FromResult<string?>(null);
        }
    }

    /// <summary>The fingerprint of a parsed config; <see langword="null"/> when no default model is set.</summary>
    public static string? Of(PicoclawConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var name = config.DefaultModelName;
        if (name.Length == 0)
        {
            return null;
        }

        // Length-prefixed fields: no value can make two different configs hash alike by moving a separator.
        var canonical = new StringBuilder();
        void Add(string? value) => canonical.Append(CultureInfo.InvariantCulture, $"{value?.Length ?? -1}:{value};");
        var model = config.FindModel(name);
        Add(name);
        Add(model?.Model);
        Add(model?.ApiBase.Trim());
        Add(model?.AuthMethod.Trim().ToLowerInvariant());
        Add(model is null ? null : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(model.ApiKey))));
        Add(config.GatewayHost?.Trim());
        Add(config.GatewayPort?.ToString(CultureInfo.InvariantCulture));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
        return name + HashPrefix + hash[..16] + ")";
    }

    /// <summary>The default model name a fingerprint carries (what the status API shows as <c>boot_default_model</c>).</summary>
    public static string? ModelName(string? fingerprint)
    {
        if (fingerprint is null)
        {
            return null;
        }

        var end = fingerprint.LastIndexOf(HashPrefix, StringComparison.Ordinal);
        return end < 0 ? fingerprint : fingerprint[..end];
    }
}
