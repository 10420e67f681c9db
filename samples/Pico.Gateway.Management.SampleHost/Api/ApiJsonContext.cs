using System.Text.Json.Serialization;

namespace Pico.Gateway.Management.SampleHost.Api;

/// <summary>Source-generated serialization of the API's fixed-shape bodies: no reflection, so the host stays trim- and AOT-friendly.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GatewayActionResponse))]
[JsonSerializable(typeof(GatewayLogsResponse))]
[JsonSerializable(typeof(GatewayLogsClearedResponse))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
