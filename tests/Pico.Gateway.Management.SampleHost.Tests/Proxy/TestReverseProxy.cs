using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Pico.Gateway.Management.SampleHost.Tests.Proxy;

/// <summary>
/// The fallback when nginx is not installed: a minimal proxy that behaves like nginx's <c>proxy_pass</c> for what the tests
/// need. It sets <c>Host</c> to the upstream's address, passes <c>Origin</c> and the other headers on, optionally adds
/// <c>X-Forwarded-*</c>, and streams the response (the event stream included).
/// </summary>
internal sealed class TestReverseProxy : IReverseProxy
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Host", "Content-Length", "Content-Type",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;

    private TestReverseProxy(WebApplication app, HttpClient upstream, Uri baseAddress)
    {
        _app = app;
        _upstream = upstream;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string Kind => "test proxy";

    public static async Task<IReverseProxy> StartAsync(Uri upstreamAddress, bool forwardHeaders)
    {
        var upstream = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = upstreamAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(context => ForwardAsync(context, upstream, forwardHeaders));
        await app.StartAsync().WaitAsync(TestTimeouts.Wait);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new TestReverseProxy(app, upstream, new Uri(address + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TestTimeouts.Wait);
        await _app.DisposeAsync();
        _upstream.Dispose();
    }

    private static async Task ForwardAsync(HttpContext context, HttpClient upstream, bool forwardHeaders)
    {
        var request = context.Request;
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path + request.QueryString);
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            message.Content = new StreamContent(request.Body);
            if (request.ContentType is { } contentType)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        foreach (var (name, values) in request.Headers.Where(header => !HopByHop.Contains(header.Key)))
        {
            message.Headers.TryAddWithoutValidation(name, values.ToArray());
        }

        if (forwardHeaders)
        {
            message.Headers.TryAddWithoutValidation("X-Forwarded-For", context.Connection.RemoteIpAddress?.ToString());
            message.Headers.TryAddWithoutValidation("X-Forwarded-Proto", request.Scheme);
            message.Headers.TryAddWithoutValidation("X-Forwarded-Host", request.Host.Value);
        }

        using var response = await upstream.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers).Where(header => !HopByHop.Contains(header.Key) || header.Key == "Content-Type"))
        {
            context.Response.Headers[name] = values.ToArray();
        }

        await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }
}
