using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Pico.Gateway.Management.Health;

/// <summary>
/// The default probe: HTTP GET of the health URL. 200 with a JSON object body is healthy, with the object's fields as details;
/// another status, or a 200 whose body is not a JSON object, is unhealthy with that status; no answer is unreachable.
/// </summary>
internal sealed class HttpHealthProbe : IHealthProbe, IDisposable
{
    private const int MaxBodyBytes = 1024 * 1024;
    private static readonly MediaTypeWithQualityHeaderValue JsonMediaType = new("application/json");
    private readonly HttpClient _client;

    public HttpHealthProbe()
    {
        // A dedicated handler: the gateway is on loopback, so proxies never apply, and pooled connections make each probe one round trip.
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ConnectTimeout = Timeout.InfiniteTimeSpan,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async ValueTask<HealthProbeResult> ProbeAsync(HealthProbeContext context, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, context.HealthCheckUrl);
        request.Headers.Accept.Add(JsonMediaType);
        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            return HealthProbeResult.Unreachable(ex.Message);
        }

        using (response)
        {
            var statusCode = (int)response.StatusCode;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return HealthProbeResult.Unhealthy(statusCode);
            }

            try
            {
                if (response.Content.Headers.ContentLength > MaxBodyBytes)
                {
                    return HealthProbeResult.Unhealthy(statusCode, "health check body is too large");
                }

                var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    using var document = await JsonDocument.ParseAsync(stream, default, cancellationToken).ConfigureAwait(false);
                    if (document.RootElement.ValueKind != JsonValueKind.Object)
                    {
                        return HealthProbeResult.Unhealthy(statusCode, "health check body is not a JSON object");
                    }

                    var details = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                    foreach (var property in document.RootElement.EnumerateObject())
                    {
                        details[property.Name] = property.Value.Clone();
                    }

                    return HealthProbeResult.Healthy(details);
                }
            }
            catch (JsonException ex)
            {
                return HealthProbeResult.Unhealthy(statusCode, $"health check body is not a JSON object: {ex.Message}");
            }
            catch (HttpRequestException ex)
            {
                return HealthProbeResult.Unreachable(ex.Message);
            }
        }
    }

    public void Dispose() => _client.Dispose();
}
