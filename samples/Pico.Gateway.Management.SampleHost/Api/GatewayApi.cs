using System.Globalization;

namespace Pico.Gateway.Management.SampleHost.Api;

/// <summary>picoclaw's web-launcher HTTP surface under <c>/api/gateway</c>. Every answer is JSON, errors included.</summary>
internal static class GatewayApi
{
    public static IEndpointRouteBuilder MapGatewayApi(this IEndpointRouteBuilder endpoints)
    {
        Map(endpoints, "/api/gateway/status", HttpMethods.Get, GetStatusAsync);
        Map(endpoints, "/api/gateway/events", HttpMethods.Get, GatewayEventsEndpoint.HandleAsync);
        Map(endpoints, "/api/gateway/logs", HttpMethods.Get, GetLogsAsync);
        Map(endpoints, "/api/gateway/history", HttpMethods.Get, GetHistoryAsync);
        Map(endpoints, "/api/gateway/logs/clear", HttpMethods.Post, ClearLogsAsync);
        Map(endpoints, "/api/gateway/start", HttpMethods.Post, StartAsync);
        Map(endpoints, "/api/gateway/stop", HttpMethods.Post, StopAsync);
        Map(endpoints, "/api/gateway/restart", HttpMethods.Post, RestartAsync);
        endpoints.Map("/api/{**path}", static context => ApiResults.WriteAsync(
            context,
            StatusCodes.Status404NotFound,
            new GatewayActionResponse("not_found", Message: $"no such endpoint: {context.Request.Path}")));
        return endpoints;
    }

    /// <summary>Maps every method on the path, so a wrong one gets a JSON 405 with <c>Allow</c> instead of routing's empty one.</summary>
    private static void Map(IEndpointRouteBuilder endpoints, string pattern, string method, RequestDelegate handler) =>
        endpoints.Map(pattern, context =>
        {
            if (HttpMethods.Equals(context.Request.Method, method))
            {
                return handler(context);
            }

            context.Response.Headers.Allow = method;
            return ApiResults.WriteAsync(
                context,
                StatusCodes.Status405MethodNotAllowed,
                new GatewayActionResponse("method_not_allowed", Message: $"{context.Request.Path} accepts {method} only"));
        });

    private static async Task GetStatusAsync(HttpContext context)
    {
        var manager = context.RequestServices.GetRequiredService<IGatewayManager>();
        context.Response.ContentType = ApiResults.JsonContentType;
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.Body.WriteAsync(GatewayStatusJson.ToUtf8Bytes(manager.Current), context.RequestAborted);
    }

    private static Task GetLogsAsync(HttpContext context)
    {
        var manager = context.RequestServices.GetRequiredService<IGatewayManager>();
        var query = context.Request.Query;
        var offset = ParseOrDefault(query["log_offset"], 0);
        var runId = ParseOrDefault(query["log_run_id"], -1);
        var page = manager.Logs.Read(offset, runId);
        var lines = new string[page.Lines.Count];
        var streams = new string[lines.Length];
        for (var i = 0; i < lines.Length; i++)
        {
            lines[i] = page.Lines[i].Text;
            streams[i] = page.Lines[i].Stream == GatewayLogStream.StandardError ? "stderr" : "stdout";
        }

        return ApiResults.WriteAsync(
            context,
            StatusCodes.Status200OK,
            new GatewayLogsResponse(lines, page.Total, page.RunId, streams),
            ApiJsonContext.Default.GatewayLogsResponse);
    }

    private static async Task GetHistoryAsync(HttpContext context)
    {
        var history = context.RequestServices.GetRequiredService<GatewayHistory>();
        context.Response.ContentType = ApiResults.JsonContentType;
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.Body.WriteAsync(history.ToUtf8Json(), context.RequestAborted);
    }

    private static Task ClearLogsAsync(HttpContext context)
    {
        var manager = context.RequestServices.GetRequiredService<IGatewayManager>();
        var runId = manager.Logs.Clear();
        return ApiResults.WriteAsync(
            context,
            StatusCodes.Status200OK,
            new GatewayLogsClearedResponse("cleared", 0, runId),
            ApiJsonContext.Default.GatewayLogsClearedResponse);
    }

    private static async Task StartAsync(HttpContext context)
    {
        var manager = context.RequestServices.GetRequiredService<IGatewayManager>();
        var result = await manager.StartAsync(context.RequestAborted);
        await WriteStartResultAsync(context, result);
    }

    private static async Task RestartAsync(HttpContext context)
    {
        var manager = context.RequestServices.GetRequiredService<IGatewayManager>();
        var result = await manager.RestartAsync(context.RequestAborted);
        await WriteStartResultAsync(context, result);
    }

    private static async Task StopAsync(HttpContext context)
    {
        var manager = context.RequestServices.GetRequiredService<IGatewayManager>();

        // Answer as soon as SIGTERM is sent, as picoclaw's launcher does; the kill after StopTimeout happens in the background and the event stream reports the exit.
        var result = await manager.StopAsync(context.RequestAborted);
        var (statusCode, body) = result.Outcome switch
        {
            GatewayStopOutcome.Stopping => (StatusCodes.Status200OK, new GatewayActionResponse("ok", result.ProcessId)),

            // Another host owns the gateway: nothing was signalled, and the answer says who does.
            GatewayStopOutcome.Refused => (StatusCodes.Status409Conflict, new GatewayActionResponse("not_owned", Message: result.Message)),
            _ => (StatusCodes.Status200OK, new GatewayActionResponse("not_running")),
        };
        await ApiResults.WriteAsync(context, statusCode, body);
    }

    private static Task WriteStartResultAsync(HttpContext context, GatewayStartResult result)
    {
        var (statusCode, body) = result.Outcome switch
        {
            GatewayStartOutcome.Started => (StatusCodes.Status200OK, new GatewayActionResponse("ok", result.ProcessId)),
            GatewayStartOutcome.AlreadyRunning => (StatusCodes.Status409Conflict, new GatewayActionResponse("already_running", result.ProcessId)),
            GatewayStartOutcome.PreconditionFailed => (StatusCodes.Status400BadRequest, new GatewayActionResponse("precondition_failed", Message: result.Message)),
            GatewayStartOutcome.Refused => (StatusCodes.Status409Conflict, new GatewayActionResponse("not_owned", Message: result.Message)),
            _ => (StatusCodes.Status500InternalServerError, new GatewayActionResponse("error", result.ProcessId, result.Message ?? "the gateway could not be started")),
        };
        return ApiResults.WriteAsync(context, statusCode, body);
    }

    /// <summary>picoclaw's rule: a missing or non-numeric parameter counts as absent.</summary>
    private static long ParseOrDefault(string? value, long fallback) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? number : fallback;
}
