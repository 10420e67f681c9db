using System.Net;

namespace Pico.Gateway.Management.SampleHost.Picoclaw;

/// <summary>One <c>model_list</c> entry of picoclaw's config.</summary>
internal sealed record PicoclawModel(string ModelName, string Model, string ApiKey, string AuthMethod, string ApiBase)
{
    private string NormalizedAuthMethod => AuthMethod.Trim().ToLowerInvariant();

    /// <summary>Gets a value indicating whether the model runs on this machine: <c>auth_method: local</c>, or an <c>api_base</c> on a loopback host.</summary>
    public bool IsLocal => NormalizedAuthMethod == "local" || (TryGetApiBase(out var apiBase) && IsLoopback(apiBase.Host));

    /// <summary>Gets a value indicating whether the model can authenticate: an API key, an auth method that needs none, or a local model.</summary>
    public bool HasCredentials =>
        NormalizedAuthMethod is "oauth" or "token" or "local" || IsLocal || !string.IsNullOrWhiteSpace(ApiKey);

    /// <summary>Parses <c>api_base</c>; a bare <c>host:port</c> is read as http.</summary>
    public bool TryGetApiBase(out Uri apiBase)
    {
        var text = ApiBase.Trim();
        if (text.Length > 0 && !text.Contains("://", StringComparison.Ordinal))
        {
            text = "http://" + text;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var parsed) && parsed.Host.Length > 0)
        {
            apiBase = parsed;
            return true;
        }

        apiBase = null!;
        return false;
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
