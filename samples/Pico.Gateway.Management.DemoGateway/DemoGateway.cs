using System.Diagnostics;
using System.Globalization;

namespace Pico.Gateway.Management.DemoGateway;

internal sealed class DemoGateway
{
    private readonly long _startedAt = Stopwatch.GetTimestamp();

    public TimeSpan Uptime => Stopwatch.GetElapsedTime(_startedAt);

    public HttpReply Respond(HttpRequestHead request)
    {
        var reply = Route(request);
        Console.Out.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{DateTimeOffset.UtcNow:yyyy-MM-dd'T'HH:mm:ss.fff'Z'} {request.Method} {request.Target} {reply.StatusCode}"));
        return reply;
    }

    private HttpReply Route(HttpRequestHead request)
    {
        if (request.Path != "/health")
        {
            return new HttpReply(404, """{"error":"not found"}""");
        }

        if (request.Method != "GET")
        {
            return new HttpReply(405, """{"error":"method not allowed"}""");
        }

        return new HttpReply(200, string.Create(
            CultureInfo.InvariantCulture,
            $$"""{"status":"ok","pid":{{Environment.ProcessId}},"uptime":{{Uptime.TotalSeconds}},"version":"demo"}"""));
    }
}
