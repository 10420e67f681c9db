using System.Security.Cryptography;
using System.Text;

namespace Pico.Gateway.Management.SampleHost.Security;

/// <summary>The optional bearer token every <c>/api</c> request must carry (<c>SampleHost:AccessToken</c>).</summary>
internal sealed class AccessToken
{
    public const string ConfigurationKey = "SampleHost:AccessToken";
    public const string QueryParameter = "access_token";
    public const string CookieName = "pico_gateway_access_token";

    private readonly byte[]? _hash;

    public AccessToken(string? token)
    {
        _hash = string.IsNullOrEmpty(token) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    public bool IsRequired => _hash is not null;

    /// <summary>Compares in constant time; hashing first keeps the token's length from leaking through timing too.</summary>
    public bool Matches(ReadOnlySpan<char> candidate)
    {
        if (_hash is null)
        {
            return true;
        }

        var bytes = new byte[Encoding.UTF8.GetMaxByteCount(candidate.Length)];
        var length = Encoding.UTF8.GetBytes(candidate, bytes);
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(bytes.AsSpan(0, length)), _hash);
    }
}
