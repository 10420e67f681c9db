namespace Pico.Gateway.Management.SampleHost.Tests.Proxy;

/// <summary>A reverse proxy on a loopback port in front of a test's sample host: Debian's nginx when installed, else the test's own.</summary>
internal interface IReverseProxy : IAsyncDisposable
{
    /// <summary>Gets the proxy's address, the one a browser would have in its address bar.</summary>
    Uri BaseAddress { get; }

    /// <summary>Gets a name for failure messages: "nginx" or "test proxy".</summary>
    string Kind { get; }
}

internal static class ReverseProxy
{
    /// <summary>Starts a proxy to <paramref name="upstream"/> that sets <c>Host</c> to the upstream address (nginx's default) and, with <paramref name="forwardHeaders"/>, adds <c>X-Forwarded-For/-Proto/-Host</c>.</summary>
    /// <remarks><c>PICO_TEST_PROXY=own</c> uses the test's own proxy even where nginx is installed.</remarks>
    public static async Task<IReverseProxy> StartAsync(Uri upstream, bool forwardHeaders) =>
        Environment.GetEnvironmentVariable("PICO_TEST_PROXY") != "own" && NginxProxy.FindExecutable() is { } nginx
            ? await NginxProxy.StartAsync(nginx, upstream, forwardHeaders)
            : await TestReverseProxy.StartAsync(upstream, forwardHeaders);
}
