using System.Text.Json.Serialization.Metadata;

namespace Pico.Gateway.Management.SampleHost.Api;

internal static class ApiResults
{
    public const string JsonContentType = "application/json; charset=utf-8";

    public static Task WriteAsync(HttpContext context, int statusCode, GatewayActionResponse body) =>
        WriteAsync(context, statusCode, body, ApiJsonContext.Default.GatewayActionResponse);

    public static Task WriteAsync<T>(HttpContext context, int statusCode, T body, JsonTypeInfo<T> typeInfo)
    {
        context.Response.StatusCode = statusCode;
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(body, typeInfo, JsonContentType, context.RequestAborted);
    }
}
