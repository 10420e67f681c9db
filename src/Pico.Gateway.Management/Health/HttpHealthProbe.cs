using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Pico.Gateway.Management.Health;

/// <summary>
/// The default probe: HTTP GET of the health URL. Any 2xx is healthy, as Kubernetes' <c>httpGet</c> and Aspire count it: a JSON
/// object body becomes the details, any other body is kept as text. In strict mode (picoclaw's rule) only 200 with a JSON object
/// body is healthy, and a 200 whose content type is not JSON is an answer that can never become healthy. Another status is
/// unhealthy with that status; no answer is unreachable. Called from a thread that is not the pool's (the manager's steady
/// ticks and startup probes, <see cref="Supervision.ProbeLoopThread"/>), a plain-HTTP loopback URL is asked blocking on a
/// connection kept between probes (<see cref="KeptHttpConnection"/>); everything else goes through <see cref="HttpClient"/>.
/// Both judge an answer alike.
/// </summary>
internal sealed class HttpHealthProbe : IHealthProbe, IDisposable
{
    private const int MaxBodyBytes = 1024 * 1024;
    private const int MaxTextChars = 1024;
    private static readonly MediaTypeWithQualityHeaderValue JsonMediaType = new("application/json");
    private readonly HttpClient _client;
    private readonly ConcurrentDictionary<Uri, KeptHttpConnection> _idle = new();

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

    public ValueTask<HealthProbeResult> ProbeAsync(HealthProbeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);

        // The manager's probe loops run on threads of their own: there a loopback URL is asked blocking on a kept connection, which
        // wakes no other thread (and a refused connection costs a syscall, not an asynchronous connect). A pool thread (a test's
        // clock, a caller's own code) is never blocked.
        return !Thread.CurrentThread.IsThreadPoolThread && KeptHttpConnection.Serves(context.HealthCheckUrl, out var endpoint)
            ? ValueTask.FromResult(ProbeBlocking(context, endpoint, cancellationToken))
            : ProbeWithClientAsync(context, cancellationToken);
    }

    public void Dispose()
    {
        _client.Dispose();
        foreach (var url in _idle.Keys)
        {
            if (_idle.TryRemove(url, out var connection))
            {
                connection.Dispose();
            }
        }
    }

    private HealthProbeResult ProbeBlocking(HealthProbeContext context, IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var url = context.HealthCheckUrl;
        var reused = _idle.TryRemove(url, out var connection);
        try
        {
            while (true)
            {
                connection ??= KeptHttpConnection.Connect(url, endpoint, cancellationToken);
                HttpAnswer answer;
                try
                {
                    answer = connection.Get(MaxBodyBytes, cancellationToken);
                }
                catch (Exception ex) when (reused && ex is IOException or SocketException)
                {
                    // A kept connection the gateway has closed meanwhile (its idle timeout, its restart): once more on a new one.
                    connection.Dispose();
                    connection = null;
                    reused = false;
                    continue;
                }

                var result = JudgeHead(answer.StatusCode, answer.MediaType, context.Strict)
                    ?? JudgeBody(answer.StatusCode, answer.TooLarge ? (ReadOnlyMemory<byte>?)null : answer.Body, context);
                if (connection.Reusable && _idle.TryAdd(url, connection))
                {
                    connection = null;
                }

                return result;
            }
        }
        catch (SocketException ex)
        {
            return HealthProbeResult.Unreachable(ex.SocketErrorCode == SocketError.ConnectionRefused ? "connection refused" : ex.Message);
        }
        catch (IOException ex)
        {
            return HealthProbeResult.Unreachable(ex.Message);
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private async ValueTask<HealthProbeResult> ProbeWithClientAsync(HealthProbeContext context, CancellationToken cancellationToken)
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
            return HealthProbeResult.Unreachable(Describe(ex));
        }

        using (response)
        {
            var statusCode = (int)response.StatusCode;
            if (JudgeHead(statusCode, response.Content.Headers.ContentType?.MediaType, context.Strict) is { } early)
            {
                return early;
            }

            try
            {
                var body = response.Content.Headers.ContentLength > MaxBodyBytes
                    ? null
                    : await ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false);
                return JudgeBody(statusCode, body, context);
            }
            catch (HttpRequestException ex)
            {
                return HealthProbeResult.Unreachable(Describe(ex));
            }
        }
    }

    /// <summary>What the status and media type alone decide: an unhealthy answer, or null when the body decides.</summary>
    private static HealthProbeResult? JudgeHead(int statusCode, string? mediaType, bool strict)
    {
        var healthyStatus = strict ? statusCode == 200 : statusCode is >= 200 and <= 299;
        if (!healthyStatus)
        {
            return HealthProbeResult.Unhealthy(statusCode);
        }

        if (strict && mediaType is not null && !IsJson(mediaType))
        {
            return HealthProbeResult.Unhealthy(statusCode, $"health check body is {mediaType}, not a JSON object") with { CannotBecomeHealthy = true };
        }

        return null;
    }

    /// <summary>What a healthy status's body makes of it; a null body was too large to read.</summary>
    private static HealthProbeResult JudgeBody(int statusCode, ReadOnlyMemory<byte>? body, HealthProbeContext context)
    {
        if (body is null)
        {
            return HealthProbeResult.Unhealthy(statusCode, "health check body is too large");
        }

        var result = Classify(statusCode, body.Value, context.Strict);
        return result.Outcome == HealthProbeOutcome.Healthy ? result with { AnsweredUrl = context.HealthCheckUrl } : result;
    }

    /// <summary>The body, or null when it is longer than <see cref="MaxBodyBytes"/> (a body without a length is not trusted to end).</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        }
    }

    private static HealthProbeResult Classify(int statusCode, ReadOnlyMemory<byte> body, bool strict)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                var details = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    details[property.Name] = property.Value.Clone();
                }

                return HealthProbeResult.Healthy(details) with { StatusCode = statusCode };
            }

            if (strict)
            {
                return HealthProbeResult.Unhealthy(statusCode, "health check body is not a JSON object");
            }
        }
        catch (JsonException ex) when (strict)
        {
            return HealthProbeResult.Unhealthy(statusCode, $"health check body is not a JSON object: {ex.Message}");
        }
        catch (JsonException)
        {
        }

        var text = Encoding.UTF8.GetString(body.Span).Trim();
        return new HealthProbeResult
        {
            Outcome = HealthProbeOutcome.Healthy,
            StatusCode = statusCode,
            Text = text.Length == 0 ? null : text.Length > MaxTextChars ? text[..MaxTextChars] : text,
        };
    }

    private static bool IsJson(string mediaType) =>
        mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);

    /// <summary>The words a dashboard shows while a gateway boots: "connection refused" rather than the socket's full message.</summary>
    private static string Describe(HttpRequestException ex) =>
        ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused } ? "connection refused" : ex.Message;
}
