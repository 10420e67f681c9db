using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace Pico.Gateway.Management.SampleHost.Security;

/// <summary>
/// Wraps the server (Kestrel) so that an <c>access_token</c> query parameter leaves the request before ASP.NET Core sees it:
/// the hosting layer logs every request's path and query string ("Request starting ...") before any middleware runs, and
/// nothing else can keep the token out of that line at every log level. The token moves to an <see cref="AccessTokenFromQuery"/>
/// feature; the query string and the raw target keep every other parameter.
/// </summary>
internal sealed class TokenRedactingServer(IServer inner) : IServer
{
    public const string InnerServerKey = "Pico.Gateway.Management.SampleHost.InnerServer";

    public IFeatureCollection Features => inner.Features;

    /// <summary>Puts the decorator in front of whatever server the builder registered.</summary>
    public static void Decorate(IServiceCollection services)
    {
        var descriptor = services.LastOrDefault(d => d.ServiceType == typeof(IServer) && !d.IsKeyedService);
        if (descriptor is null)
        {
            return;
        }

        services.Remove(descriptor);
        if (descriptor.ImplementationInstance is { } instance)
        {
            services.AddKeyedSingleton(typeof(IServer), InnerServerKey, instance);
        }
        else if (descriptor.ImplementationFactory is { } factory)
        {
            services.AddKeyedSingleton(typeof(IServer), InnerServerKey, (provider, _) => factory(provider));
        }
        else
        {
            services.AddKeyedSingleton(typeof(IServer), InnerServerKey, descriptor.ImplementationType!);
        }

        services.AddSingleton<IServer>(provider => new TokenRedactingServer(provider.GetRequiredKeyedService<IServer>(InnerServerKey)));
    }

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull =>
        inner.StartAsync(new RedactingApplication<TContext>(application), cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => inner.StopAsync(cancellationToken);

    public void Dispose() => inner.Dispose();

    /// <summary>Removes every <c>access_token</c> parameter; keeps the first value's token.</summary>
    internal static void Redact(IFeatureCollection features)
    {
        var request = features.Get<IHttpRequestFeature>();
        if (request is null || request.QueryString.IndexOf(AccessToken.QueryParameter, StringComparison.OrdinalIgnoreCase) < 0)
        {
            return;
        }

        var query = QueryHelpers.ParseQuery(request.QueryString);
        string? token = null;
        var kept = new List<KeyValuePair<string, string?>>();
        foreach (var (key, values) in query)
        {
            if (string.Equals(key, AccessToken.QueryParameter, StringComparison.OrdinalIgnoreCase))
            {
                token ??= values.FirstOrDefault();
                continue;
            }

            kept.AddRange(values.Select(value => new KeyValuePair<string, string?>(key, value)));
        }

        if (token is null && kept.Count == query.Sum(pair => pair.Value.Count))
        {
            return;
        }

        var queryString = QueryString.Create(kept).ToUriComponent();
        request.QueryString = queryString;
        var rawTarget = request.RawTarget;
        var queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
        request.RawTarget = (queryStart < 0 ? rawTarget : rawTarget[..queryStart]) + queryString;
        features.Set(new AccessTokenFromQuery(token ?? string.Empty));
    }

    private sealed class RedactingApplication<TContext>(IHttpApplication<TContext> inner) : IHttpApplication<TContext>
        where TContext : notnull
    {
        public TContext CreateContext(IFeatureCollection contextFeatures)
        {
            Redact(contextFeatures);
            return inner.CreateContext(contextFeatures);
        }

        public Task ProcessRequestAsync(TContext context) => inner.ProcessRequestAsync(context);

        public void DisposeContext(TContext context, Exception? exception) => inner.DisposeContext(context, exception);
    }
}
