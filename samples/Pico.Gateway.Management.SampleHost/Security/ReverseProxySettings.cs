using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Pico.Gateway.Management.SampleHost.Security;

/// <summary>
/// What the host trusts about the proxies in front of it, from configuration: <c>SampleHost:AllowedOrigins</c> (origins whose
/// state-changing requests are accepted besides the request's own) and <c>SampleHost:ForwardedHeaders:KnownProxies</c> /
/// <c>KnownNetworks</c> (the only peers whose <c>X-Forwarded-For</c>, <c>-Proto</c> and <c>-Host</c> are believed). Both are
/// empty by default: no origin is trusted but the request's own, and forwarded headers are believed from nobody.
/// </summary>
internal sealed class ReverseProxySettings
{
    public const string AllowedOriginsKey = "SampleHost:AllowedOrigins";
    public const string KnownProxiesKey = "SampleHost:ForwardedHeaders:KnownProxies";
    public const string KnownNetworksKey = "SampleHost:ForwardedHeaders:KnownNetworks";

    private ReverseProxySettings(IReadOnlyCollection<string> allowedOrigins, IReadOnlyList<IPAddress> knownProxies, IReadOnlyList<System.Net.IPNetwork> knownNetworks)
    {
        AllowedOrigins = allowedOrigins;
        KnownProxies = knownProxies;
        KnownNetworks = knownNetworks;
    }

    /// <summary>Gets the trusted origins, each as <c>scheme://host:port</c> in lower case with the port always written.</summary>
    public IReadOnlyCollection<string> AllowedOrigins { get; }

    public IReadOnlyList<IPAddress> KnownProxies { get; }

    public IReadOnlyList<System.Net.IPNetwork> KnownNetworks { get; }

    public bool TrustsForwardedHeaders => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    /// <summary>Reads and checks the settings; every wrong entry is named in one exception, so the host refuses to start.</summary>
    /// <exception cref="InvalidOperationException">An origin, proxy address or network cannot be parsed.</exception>
    public static ReverseProxySettings FromConfiguration(IConfiguration configuration)
    {
        var errors = new List<string>();
        var origins = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in ReadList(configuration, AllowedOriginsKey))
        {
            if (Normalize(value) is { } origin)
            {
                origins.Add(origin);
            }
            else
            {
                errors.Add($"{AllowedOriginsKey}: '{value}' is not an origin (scheme://host[:port], http or https, no path)");
            }
        }

        var proxies = new List<IPAddress>();
        foreach (var value in ReadList(configuration, KnownProxiesKey))
        {
            if (IPAddress.TryParse(value, out var address))
            {
                proxies.Add(address);
            }
            else
            {
                errors.Add($"{KnownProxiesKey}: '{value}' is not an IP address");
            }
        }

        var networks = new List<System.Net.IPNetwork>();
        foreach (var value in ReadList(configuration, KnownNetworksKey))
        {
            if (System.Net.IPNetwork.TryParse(value, out var network))
            {
                networks.Add(network);
            }
            else
            {
                errors.Add($"{KnownNetworksKey}: '{value}' is not a network in CIDR notation (10.0.0.0/8)");
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The reverse-proxy settings are invalid: " + string.Join("; ", errors));
        }

        return new ReverseProxySettings(origins, proxies, networks);
    }

    /// <summary>The request's <c>Origin</c>, normalised like <see cref="AllowedOrigins"/>, or <see langword="null"/> when it is not an http(s) origin.</summary>
    public static string? Normalize(string origin)
    {
        if (!Uri.TryCreate(origin.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.AbsolutePath != "/"
            || uri.Query.Length > 0
            || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return null;
        }

        return $"{uri.Scheme}://{uri.Host}:{uri.Port}".ToLowerInvariant();
    }

    public ForwardedHeadersOptions ToForwardedHeadersOptions()
    {
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost,
        };

        // ASP.NET Core trusts loopback by default; here only what was configured counts.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in KnownProxies)
        {
            options.KnownProxies.Add(proxy);
        }

        foreach (var network in KnownNetworks)
        {
            options.KnownIPNetworks.Add(network);
        }

        return options;
    }

    /// <summary>A list is either array entries (<c>Key:0</c>, <c>Key:1</c>, JSON arrays) or one value separated by <c>;</c> or <c>,</c>.</summary>
    private static IEnumerable<string> ReadList(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        var values = section.GetChildren().Select(child => child.Value).OfType<string>().ToList();
        if (section.Value is { } single)
        {
            values.Add(single);
        }

        return values.SelectMany(value => value.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
