using System.Text.Json;

namespace Pico.Gateway.Management.SampleHost.Tests.Testing;

/// <summary>One message of a text/event-stream: its data, or its comment when it is a comment line.</summary>
internal sealed record ServerSentEvent(string? Data, string? Comment)
{
    public JsonElement Json => JsonDocument.Parse(Data ?? throw new InvalidOperationException($"comment ': {Comment}' is not a data message")).RootElement;
}
