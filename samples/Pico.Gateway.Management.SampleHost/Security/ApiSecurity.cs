using Microsoft.Extensions.Primitives;
using Pico.Gateway.Management.SampleHost.Api;
using Pico.Gateway.Management.SampleHost.Diagnostics;

namespace Pico.Gateway.Management.SampleHost.Security;

/// <summary>
/// The two request checks picoclaw's own launcher lacks: a state-changing request from another origin is refused (403), so a web page
/// the user visits cannot stop their gateway; and with an access token configured, every <c>/api</c> request must carry it (401).
/// </summary>
internal static class ApiSecurity
{
    public static readonly PathString ApiPath = new("/api");
    public static readonly PathString EventsPath = new("/api/gateway/events");

    /// <summary>Refuses a state-changing request whose <c>Origin</c> is neither the request's own nor one of <paramref name="proxies"/>' trusted origins.</summary>
    public static IApplicationBuilder UseSameOriginForStateChanges(this IApplicationBuilder app, ReverseProxySettings proxies) =>
        app.Use((context, next) =>
        {
            var request = context.Request;
            if (IsStateChanging(request.Method)
                && request.Headers.Origin is { Count: > 0 } origin
                && !IsSameOrigin(request, origin)
                && !IsTrustedOrigin(proxies, origin))
            {
                var logger = SampleHostLog.Create(context.RequestServices);
                SampleHostLog.CrossOriginRefused(logger, request.Method, request.Path, origin.ToString());
                return ApiResults.WriteAsync(
                    context,
                    StatusCodes.Status403Forbidden,
                    new GatewayActionResponse("forbidden", Message: "cross-origin request refused: the Origin header does not match this server"));
            }

            return next(context);
        });

    /// <summary>
    /// A page opened with <c>?access_token=</c> (the query was already taken out of the request, see
    /// <see cref="TokenRedactingServer"/>): a right token becomes an HttpOnly, SameSite=Strict cookie, and either way the
    /// browser is sent to the same page without the token, so it leaves the address bar, history and bookmarks.
    /// </summary>
    public static IApplicationBuilder UseAccessTokenCookie(this IApplicationBuilder app, AccessToken token)
    {
        if (!token.IsRequired)
        {
            return app;
        }

        return app.Use((context, next) =>
        {
            var request = context.Request;
            if (context.Features.Get<AccessTokenFromQuery>() is not { } fromQuery
                || request.Path.StartsWithSegments(ApiPath)
                || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)))
            {
                return next(context);
            }

            if (fromQuery.Token.Length > 0 && token.Matches(fromQuery.Token))
            {
                context.Response.Cookies.Append(AccessToken.CookieName, fromQuery.Token, new CookieOptions
                {
                    HttpOnly = true,
                    SameSite = SameSiteMode.Strict,
                    Secure = request.IsHttps,
                    IsEssential = true,

                    // No Path: the browser scopes the cookie to this page's directory, which also holds behind a proxy's path prefix.
                    Path = null,
                });
            }

            // Relative, so a proxy's path prefix is kept: "/" becomes "./", "/index.html" becomes "index.html".
            var path = request.Path.Value ?? "/";
            var page = path[(path.LastIndexOf('/') + 1)..];
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Redirect((page.Length == 0 ? "./" : page) + request.QueryString.ToUriComponent());
            return Task.CompletedTask;
        });
    }

    public static IApplicationBuilder UseAccessToken(this IApplicationBuilder app, AccessToken token)
    {
        if (!token.IsRequired)
        {
            return app;
        }

        return app.Use((context, next) =>
        {
            var request = context.Request;
            if (!request.Path.StartsWithSegments(ApiPath) || IsAuthorized(request, token))
            {
                return next(context);
            }

            context.Response.Headers.WWWAuthenticate = "Bearer";
            return ApiResults.WriteAsync(
                context,
                StatusCodes.Status401Unauthorized,
                new GatewayActionResponse("unauthorized", Message: "missing or wrong access token: send Authorization: Bearer <SampleHost:AccessToken>"));
        });
    }

    internal static bool IsStateChanging(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    /// <summary>Scheme, host and port must all equal the request's own; <c>null</c>, several values or anything unparsable is foreign.</summary>
    internal static bool IsSameOrigin(HttpRequest request, StringValues originHeader)
    {
        if (originHeader.Count != 1
            || !Uri.TryCreate(originHeader[0], UriKind.Absolute, out var origin)
            || (origin.Scheme != Uri.UriSchemeHttp && origin.Scheme != Uri.UriSchemeHttps)
            || !request.Host.HasValue)
        {
            return false;
        }

        var ownPort = request.Host.Port ?? (request.IsHttps ? 443 : 80);
        return string.Equals(origin.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(origin.Host, request.Host.Host, StringComparison.OrdinalIgnoreCase)
            && origin.Port == ownPort;
    }

    /// <summary>An origin listed in <c>SampleHost:AllowedOrigins</c>: the address a browser sees in front of a proxy that rewrites <c>Host</c>.</summary>
    internal static bool IsTrustedOrigin(ReverseProxySettings proxies, StringValues originHeader) =>
        proxies.AllowedOrigins.Count > 0
        && originHeader.Count == 1
        && originHeader[0] is { } value
        && ReverseProxySettings.Normalize(value) is { } origin
        && proxies.AllowedOrigins.Contains(origin);

    private static bool IsAuthorized(HttpRequest request, AccessToken token)
    {
        if (request.Headers.Authorization is { Count: 1 } authorization
            && authorization[0] is { } value
            && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return token.Matches(value.AsSpan(7).Trim());
        }

        // The dashboard's cookie: SameSite=Strict keeps other sites' requests from carrying it.
        if (request.Cookies[AccessToken.CookieName] is { Length: > 0 } cookie)
        {
            return token.Matches(cookie);
        }

        // EventSource cannot send headers: the stream alone may still carry the token in its query string (taken out of
        // the request before it was logged).
        return HttpMethods.IsGet(request.Method)
            && request.Path.Equals(EventsPath, StringComparison.OrdinalIgnoreCase)
            && request.HttpContext.Features.Get<AccessTokenFromQuery>() is { Token.Length: > 0 } fromQuery
            && token.Matches(fromQuery.Token);
    }
}
