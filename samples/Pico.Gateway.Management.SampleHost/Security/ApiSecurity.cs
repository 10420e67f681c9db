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

    public static IApplicationBuilder UseSameOriginForStateChanges(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            var request = context.Request;
            if (IsStateChanging(request.Method) && request.Headers.Origin is { Count: > 0 } origin && !IsSameOrigin(request, origin))
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

    private static bool IsAuthorized(HttpRequest request, AccessToken token)
    {
        if (request.Headers.Authorization is { Count: 1 } authorization
            && authorization[0] is { } value
            && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return token.Matches(value.AsSpan(7).Trim());
        }

        // EventSource cannot send headers: the stream alone may carry the token in its query string.
        return HttpMethods.IsGet(request.Method)
            && request.Path.Equals(EventsPath, StringComparison.OrdinalIgnoreCase)
            && request.Query[AccessToken.QueryParameter] is { Count: 1 } query
            && query[0] is { Length: > 0 } queryToken
            && token.Matches(queryToken);
    }
}
