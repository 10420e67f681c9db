using System.Text.Json;

namespace Pico.Gateway.Management.DemoGateway;

internal sealed record DemoGatewayConfig(string Host, int Port)
{
    public const string DefaultHost = "127.0.0.1";
    public const int DefaultPort = 18790;

    public static DemoGatewayConfig Defaults { get; } = new(DefaultHost, DefaultPort);

    // The same lookup as picoclaw, so a config written for picoclaw drives the demo unchanged.
    public static string ResolvePath()
    {
        if (Environment.GetEnvironmentVariable("PICOCLAW_CONFIG") is { Length: > 0 } configPath)
        {
            return configPath;
        }

        var home = Environment.GetEnvironmentVariable("PICOCLAW_HOME") is { Length: > 0 } picoclawHome
            ? picoclawHome
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".picoclaw");
        return Path.Combine(home, "config.json");
    }

    public static DemoGatewayConfig Load(string path)
    {
        byte[] json;
        try
        {
            json = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return Defaults;
        }
        catch (DirectoryNotFoundException)
        {
            return Defaults;
        }
        catch (IOException exception)
        {
            throw new ConfigurationException($"cannot read {path}: {exception.Message}", exception);
        }
        catch (UnauthorizedAccessException exception)
        {
            throw new ConfigurationException($"cannot read {path}: {exception.Message}", exception);
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return FromJson(document.RootElement, path);
        }
        catch (JsonException exception)
        {
            throw new ConfigurationException($"cannot parse {path}: {exception.Message}", exception);
        }
    }

    private static DemoGatewayConfig FromJson(JsonElement root, string path)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ConfigurationException($"cannot parse {path}: the top level must be a JSON object");
        }

        if (!root.TryGetProperty("gateway", out var gateway) || gateway.ValueKind == JsonValueKind.Null)
        {
            return Defaults;
        }

        if (gateway.ValueKind != JsonValueKind.Object)
        {
            throw new ConfigurationException($"cannot parse {path}: 'gateway' must be a JSON object");
        }

        var host = DefaultHost;
        if (gateway.TryGetProperty("host", out var hostElement) && hostElement.ValueKind != JsonValueKind.Null)
        {
            if (hostElement.ValueKind != JsonValueKind.String)
            {
                throw new ConfigurationException($"cannot parse {path}: 'gateway.host' must be a string");
            }

            host = hostElement.GetString() is { Length: > 0 } configuredHost ? configuredHost : DefaultHost;
        }

        var port = DefaultPort;
        if (gateway.TryGetProperty("port", out var portElement) && portElement.ValueKind != JsonValueKind.Null)
        {
            if (portElement.ValueKind != JsonValueKind.Number || !portElement.TryGetInt32(out port) || port is < 0 or > 65535)
            {
                throw new ConfigurationException($"cannot parse {path}: 'gateway.port' must be an integer from 1 to 65535");
            }

            // picoclaw reads a zero port as "not set".
            port = port == 0 ? DefaultPort : port;
        }

        return new DemoGatewayConfig(host, port);
    }
}
