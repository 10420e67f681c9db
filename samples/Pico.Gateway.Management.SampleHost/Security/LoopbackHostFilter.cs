using System.Net;

namespace Pico.Gateway.Management.SampleHost.Security;

/// <summary>
/// On a loopback-only binding, answers only requests whose <c>Host</c> names this machine: <c>localhost</c>, <c>[::1]</c> or
/// any address of 127.0.0.0/8 (so <c>--urls http://127.0.0.2:18800</c> works). A DNS-rebinding page sends its own host
/// name, and gets 400 like ASP.NET Core's host filtering would give it. ASP.NET Core's <c>AllowedHosts</c> cannot express a
/// network, hence this filter; setting <c>AllowedHosts</c> replaces it with the framework's list.
/// </summary>
internal static class LoopbackHostFilter
{
    public static IApplicationBuilder UseLoopbackHostNames(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            if (IsLoopbackHost(context.Request.Host))
            {
                return next(context);
            }

            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return Task.CompletedTask;
        });

    /// <summary>An empty host (HTTP/1.0) is accepted, as ASP.NET Core's host filtering accepts it by default.</summary>
    internal static bool IsLoopbackHost(HostString host)
    {
        if (!host.HasValue)
        {
            return true;
        }

        var name = host.Host;
        if (string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (name.StartsWith('[') && name.EndsWith(']'))
        {
            name = name[1..^1];
        }

        if (!IPAddress.TryParse(name, out var address))
        {
            return false;
        }

        return IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
    }
}
