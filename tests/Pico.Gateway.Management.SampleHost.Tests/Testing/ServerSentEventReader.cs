using System.Text;
using System.Text.Json;

namespace Pico.Gateway.Management.SampleHost.Tests.Testing;

/// <summary>Reads an event stream message by message, every read guarded by <see cref="TestTimeouts.Wait"/>.</summary>
internal sealed class ServerSentEventReader(HttpResponseMessage response, Stream stream) : IAsyncDisposable
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);

    public HttpResponseMessage Response { get; } = response;

    public static async Task<ServerSentEventReader> OpenAsync(HttpClient client, string path = "/api/gateway/events")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(TestTimeouts.Wait);
        return new ServerSentEventReader(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>Reads the next message; null when the server ended the stream.</summary>
    public async Task<ServerSentEvent?> ReadAsync()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Wait);
        StringBuilder? data = null;
        string? comment = null;
        while (true)
        {
            var line = await _reader.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                return null;
            }

            if (line.Length == 0)
            {
                if (data is not null || comment is not null)
                {
                    return new ServerSentEvent(data?.ToString(), comment);
                }

                continue;
            }

            if (line.StartsWith(':'))
            {
                comment = line[1..].TrimStart();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data = data is null ? new StringBuilder() : data.Append('\n');
                data.Append(line.AsSpan(5).TrimStart(' '));
            }
        }
    }

    /// <summary>Reads data messages until one satisfies <paramref name="predicate"/>, returning every status seen on the way.</summary>
    public async Task<List<string>> ReadStatusesUntilAsync(Func<JsonElement, bool> predicate)
    {
        var statuses = new List<string>();
        var seen = new List<string>();
        while (true)
        {
            ServerSentEvent? message;
            try
            {
                message = await ReadAsync();
            }
            catch (OperationCanceledException timedOut)
            {
                // What the stream said before it went quiet is what a failure report needs.
                throw new TimeoutException($"no awaited status within {TestTimeouts.Wait}; the stream said: {string.Join(" | ", seen)}", timedOut);
            }

            if (message is null)
            {
                throw new InvalidOperationException($"the stream ended after {string.Join(" | ", seen)}");
            }

            if (message.Data is null)
            {
                continue;
            }

            var json = message.Json;
            statuses.Add(json.GetProperty("gateway_status").GetString()!);
            seen.Add(message.Data);
            if (predicate(json))
            {
                return statuses;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        Response.Dispose();
        return ValueTask.CompletedTask;
    }
}
