using System.Globalization;
using System.Net;
using System.Text.Json;
using Pico.Gateway.Management.SampleHost.Diagnostics;

namespace Pico.Gateway.Management.SampleHost.Picoclaw;

/// <summary>
/// Finds a picoclaw gateway started outside this host (<c>picoclaw gateway</c> from a shell, a systemd unit) the way picoclaw's own
/// launcher does: picoclaw writes <c>.picoclaw.pid</c> in its home (<c>{"pid","token","version","port","host"}</c>, pkg/pid), and a
/// gateway named there is claimed only when its process is alive and <c>http://host:port/health</c> answers 200 naming the same pid
/// (when it names one at all). A file that fails is left alone: it is picoclaw's to clean up.
/// </summary>
internal sealed class PicoclawPidFileLocator(PicoclawSetup setup, ILogger<PicoclawPidFileLocator> logger) : IGatewayLocator, IDisposable
{
    // picoclaw's launcher gives the cross-check 800 ms.
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromMilliseconds(800);

    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = HealthTimeout };
    private string? _lastRefusal;

    public async ValueTask<ExternalGateway?> LocateAsync(CancellationToken cancellationToken)
    {
        if (Read(setup.GatewayPidFile) is not { } record)
        {
            return null;
        }

        var (pid, version, healthUrl) = record;
        if (!IsAlive(pid))
        {
            return null;
        }

        var refusal = await CrossCheckAsync(pid, healthUrl, cancellationToken).ConfigureAwait(false);
        if (refusal is not null && refusal != _lastRefusal)
        {
            // Once per reason: the locator runs on every tick while nothing runs.
            SampleHostLog.ExternalGatewayNotClaimed(logger, setup.GatewayPidFile, pid, refusal);
        }

        _lastRefusal = refusal;
        if (refusal is not null)
        {
            return null;
        }

        var source = version is { Length: > 0 } ? $"{setup.GatewayPidFile}, version {version}" : setup.GatewayPidFile;
        return new ExternalGateway(pid) { HealthCheckUrl = healthUrl, Source = source };
    }

    public void Dispose() => _client.Dispose();

    /// <summary>The pid, version and health URL of picoclaw's pid file, or null when there is none or it is not one.</summary>
    internal static (int Pid, string? Version, Uri HealthUrl)? Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("pid", out var pidValue) || !pidValue.TryGetInt32(out var pid) || pid <= 1
                || !root.TryGetProperty("port", out var portValue) || !portValue.TryGetInt32(out var port) || port is < 1 or > 65535)
            {
                return null;
            }

            var host = root.TryGetProperty("host", out var hostValue) && hostValue.ValueKind == JsonValueKind.String ? hostValue.GetString() : null;
            var version = root.TryGetProperty("version", out var versionValue) && versionValue.ValueKind == JsonValueKind.String ? versionValue.GetString() : null;
            return (pid, version, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{ProbeHost(host)}:{port}/health")));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>picoclaw's probe host: a wildcard or missing bind address is reached on loopback.</summary>
    private static string ProbeHost(string? host) => host?.Trim() switch
    {
        null or "" or "0.0.0.0" or "::" or "[::]" => "127.0.0.1",
        var name when IPAddress.TryParse(name, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 => $"[{name}]",
        var name => name,
    };

    private static bool IsAlive(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            return Directory.Exists(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}"));
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Why the gateway at <paramref name="healthUrl"/> is not the one the file names, or null when it is.</summary>
    private async Task<string?> CrossCheckAsync(int pid, Uri healthUrl, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _client.GetAsync(healthUrl, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return $"{healthUrl} answered HTTP {(int)response.StatusCode}";
            }

            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("pid", out var answered) && answered.TryGetInt32(out var healthPid) && healthPid > 0 && healthPid != pid)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{healthUrl} is answered by pid {healthPid}");
            }

            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return $"{healthUrl} did not answer: {ex.Message}";
        }
    }
}
