using System.Buffers;
using System.Collections.Frozen;
using System.Text.Json;
using Pico.Gateway.Management.SampleHost.Picoclaw;

namespace Pico.Gateway.Management.SampleHost.Api;

/// <summary>
/// picoclaw's status object, built from a snapshot alone (no I/O): the state fields, then the extra failure fields, then the
/// fields of the last healthy probe's body. A health field never replaces one of ours, and the log fields never appear.
/// </summary>
internal static class GatewayStatusJson
{
    private static readonly FrozenSet<string> ReservedNames = FrozenSet.Create(
        StringComparer.Ordinal,
        "gateway_status",
        "gateway_owned",
        "pid",
        "boot_default_model",
        "config_default_model",
        "gateway_restart_required",
        "gateway_start_allowed",
        "gateway_start_reason",
        "status_code",
        "last_exit_code",
        "last_exit_signal",
        "last_error",
        "next_restart_at",
        "logs",
        "log_total",
        "log_run_id");

    public static void Write(IBufferWriter<byte> output, GatewayEvent snapshot)
    {
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteString("gateway_status", snapshot.Status.ToJsonName());
        WriteIfPresent(writer, "pid", snapshot.ProcessId);

        // False for a gateway started outside this host: it is shown and probed, but stop and restart answer 409 not_owned.
        writer.WriteBoolean("gateway_owned", snapshot.Ownership == GatewayOwnership.Owned);
        WriteIfPresent(writer, "boot_default_model", DefaultModelFingerprint.ModelName(snapshot.BootFingerprint));
        WriteIfPresent(writer, "config_default_model", DefaultModelFingerprint.ModelName(snapshot.CurrentFingerprint));
        writer.WriteBoolean("gateway_restart_required", snapshot.RestartRequired);
        writer.WriteBoolean("gateway_start_allowed", snapshot.StartAllowed);
        if (!snapshot.StartAllowed)
        {
            WriteIfPresent(writer, "gateway_start_reason", snapshot.StartBlockedReason);
        }

        WriteIfPresent(writer, "status_code", snapshot.HealthStatusCode);
        WriteIfPresent(writer, "last_exit_code", snapshot.LastExitCode);
        WriteIfPresent(writer, "last_exit_signal", snapshot.LastExitSignal);
        WriteIfPresent(writer, "last_error", snapshot.LastError);
        if (snapshot.NextRestartTime is { } nextRestart)
        {
            writer.WriteString("next_restart_at", nextRestart.UtcDateTime);
        }

        if (snapshot.HealthDetails is { } details)
        {
            foreach (var (name, value) in details)
            {
                if (!ReservedNames.Contains(name))
                {
                    writer.WritePropertyName(name);
                    value.WriteTo(writer);
                }
            }
        }

        writer.WriteEndObject();
    }

    public static byte[] ToUtf8Bytes(GatewayEvent snapshot)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        Write(buffer, snapshot);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteIfPresent(Utf8JsonWriter writer, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteIfPresent(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }
}
