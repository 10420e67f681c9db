using System.Diagnostics;
using System.Globalization;

namespace Pico.Gateway.Management.Tests.Child;

internal sealed class HealthResponder(HealthSettings settings)
{
    private const int DefaultExitCode = 3;

    private readonly long _startedAt = Stopwatch.GetTimestamp();
    private readonly TaskCompletionSource<int> _exitRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Completes with the code once a GET of the exit route has been answered: the program then exits by itself, unasked by its supervisor.
    public Task<int> ExitRequested => _exitRequested.Task;

    public HttpReply Respond(HttpRequestHead request)
    {
        Console.Out.WriteLine($"request {request.Method} {request.Target}");
        if (settings.ExitRoute is { } exitRoute && request.Path == exitRoute)
        {
            return RespondToExit(request);
        }

        if (request.Path != "/health")
        {
            return new HttpReply(404, """{"error":"not found"}""");
        }

        if (request.Method != "GET")
        {
            return new HttpReply(405, """{"error":"method not allowed"}""");
        }

        var (statusCode, body) = ReadHealthFile() ?? (settings.StatusCode, settings.Body);
        return new HttpReply(statusCode, body ?? DefaultBody(), ContentType: settings.ContentType);
    }

    private HttpReply RespondToExit(HttpRequestHead request)
    {
        var query = request.Target.Length > request.Path.Length ? request.Target[(request.Path.Length + 1)..] : string.Empty;
        var code = DefaultExitCode;
        if (query.StartsWith("code=", StringComparison.Ordinal)
            && !int.TryParse(query["code=".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out code))
        {
            return new HttpReply(400, """{"error":"code must be a number"}""");
        }

        return new HttpReply(
            200,
            string.Create(CultureInfo.InvariantCulture, $$"""{"exiting":{{code}},"pid":{{Environment.ProcessId}}}"""),
            () => _exitRequested.TrySetResult(code));
    }

    private string DefaultBody() => string.Create(
        CultureInfo.InvariantCulture,
        $$"""{"status":"ok","pid":{{Environment.ProcessId}},"uptime":{{Stopwatch.GetElapsedTime(_startedAt).TotalSeconds}}}""");

    // Read on every request so a test can flip health by rewriting the file while the child runs.
    private (int StatusCode, string? Body)? ReadHealthFile()
    {
        if (settings.HealthFile is not { } path)
        {
            return null;
        }

        string content;
        try
        {
            content = File.ReadAllText(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        catch (IOException exception)
        {
            return (500, HealthFileError(exception.Message));
        }
        catch (UnauthorizedAccessException exception)
        {
            return (500, HealthFileError(exception.Message));
        }

        content = content.Trim();
        var separator = content.IndexOfAny([' ', '\t', '\r', '\n']);
        var statusText = separator < 0 ? content : content[..separator];
        if (!int.TryParse(statusText, NumberStyles.None, CultureInfo.InvariantCulture, out var statusCode))
        {
            return (500, HealthFileError($"'{statusText}' is not a status code"));
        }

        return (statusCode, separator < 0 ? settings.Body : content[(separator + 1)..].TrimStart());
    }

    private static string HealthFileError(string message) =>
        $$"""{"error":"health file: {{System.Text.Json.JsonEncodedText.Encode(message).Value}}"}""";
}
