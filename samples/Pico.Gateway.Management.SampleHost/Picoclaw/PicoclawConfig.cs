using System.Text.Json;

namespace Pico.Gateway.Management.SampleHost.Picoclaw;

/// <summary>The parts of picoclaw's config.json the host needs: the default model, the model list and the gateway address.</summary>
internal sealed class PicoclawConfig
{
    public const string DefaultGatewayHost = "127.0.0.1";
    public const int DefaultGatewayPort = 18790;

    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 64 };

    private readonly IReadOnlyList<PicoclawModel> _models;

    private PicoclawConfig(string defaultModelName, IReadOnlyList<PicoclawModel> models, string? gatewayHost, int? gatewayPort)
    {
        DefaultModelName = defaultModelName;
        _models = models;
        GatewayHost = gatewayHost;
        GatewayPort = gatewayPort;
    }

    /// <summary>Gets what picoclaw uses when the file does not exist.</summary>
    public static PicoclawConfig Empty { get; } = new(string.Empty, [], null, null);

    /// <summary>Gets <c>agents.defaults.model_name</c>, else <c>agents.defaults.model</c>, trimmed; empty when neither is set.</summary>
    public string DefaultModelName { get; }

    public string? GatewayHost { get; }

    public int? GatewayPort { get; }

    /// <summary>Reads and parses the file. A missing file is <see cref="Empty"/>, as in picoclaw.</summary>
    /// <exception cref="PicoclawConfigException">The file cannot be read or is not a valid config.</exception>
    public static PicoclawConfig Load(string path)
    {
        byte[] json;
        try
        {
            json = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Empty;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PicoclawConfigException($"failed to load config: {ex.Message}", ex);
        }

        return Parse(json);
    }

    /// <exception cref="PicoclawConfigException">Not JSON, or a field has the wrong type.</exception>
    public static PicoclawConfig Parse(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, ParseOptions);
            return FromJson(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new PicoclawConfigException($"failed to load config: {ex.Message}", ex);
        }
    }

    public PicoclawModel? FindModel(string modelName)
    {
        foreach (var model in _models)
        {
            if (string.Equals(model.ModelName, modelName, StringComparison.Ordinal))
            {
                return model;
            }
        }

        return null;
    }

    /// <summary>The URL picoclaw's launcher probes: a wildcard or empty bind host is probed on 127.0.0.1, and port 0 means the default.</summary>
    public Uri GetHealthCheckUrl()
    {
        var host = GatewayHost?.Trim();
        if (string.IsNullOrEmpty(host) || host is "0.0.0.0" or "::" or "[::]")
        {
            host = DefaultGatewayHost;
        }

        var port = GatewayPort is > 0 and <= 65535 ? GatewayPort.Value : DefaultGatewayPort;
        if (host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('['))
        {
            host = $"[{host}]";
        }

        return new UriBuilder(Uri.UriSchemeHttp, host, port, "/health").Uri;
    }

    private static PicoclawConfig FromJson(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new PicoclawConfigException($"failed to load config: the top level must be a JSON object, not {Describe(root.ValueKind)}");
        }

        var defaults = Child(Child(root, "agents"), "defaults");
        var defaultModel = String(defaults, "model_name", "agents.defaults.model_name").Trim();
        if (defaultModel.Length == 0)
        {
            defaultModel = String(defaults, "model", "agents.defaults.model").Trim();
        }

        var models = new List<PicoclawModel>();
        if (root.TryGetProperty("model_list", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                throw new PicoclawConfigException($"failed to load config: model_list must be an array, not {Describe(list.ValueKind)}");
            }

            var index = 0;
            foreach (var entry in list.EnumerateArray())
            {
                var where = $"model_list[{index++}]";
                if (entry.ValueKind != JsonValueKind.Object)
                {
                    throw new PicoclawConfigException($"failed to load config: {where} must be an object, not {Describe(entry.ValueKind)}");
                }

                models.Add(new PicoclawModel(
                    String(entry, "model_name", $"{where}.model_name").Trim(),
                    String(entry, "model", $"{where}.model"),
                    String(entry, "api_key", $"{where}.api_key"),
                    String(entry, "auth_method", $"{where}.auth_method"),
                    String(entry, "api_base", $"{where}.api_base")));
            }
        }

        string? gatewayHost = null;
        int? gatewayPort = null;
        var gateway = Child(root, "gateway");
        if (gateway.ValueKind == JsonValueKind.Object)
        {
            gatewayHost = String(gateway, "host", "gateway.host");
            if (gateway.TryGetProperty("port", out var port) && port.ValueKind != JsonValueKind.Null)
            {
                if (port.ValueKind != JsonValueKind.Number || !port.TryGetInt32(out var value))
                {
                    throw new PicoclawConfigException("failed to load config: gateway.port must be an integer");
                }

                gatewayPort = value;
            }
        }

        return new PicoclawConfig(defaultModel, models, gatewayHost, gatewayPort);
    }

    private static JsonElement Child(JsonElement parent, string name)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var child) || child.ValueKind == JsonValueKind.Null)
        {
            return default;
        }

        return child.ValueKind == JsonValueKind.Object
            ? child
            : throw new PicoclawConfigException($"failed to load config: {name} must be an object, not {Describe(child.ValueKind)}");
    }

    private static string String(JsonElement parent, string name, string path)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return string.Empty;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new PicoclawConfigException($"failed to load config: {path} must be a string, not {Describe(value.ValueKind)}");
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
