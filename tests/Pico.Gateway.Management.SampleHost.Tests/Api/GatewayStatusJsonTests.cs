using System.Text.Json;
using Pico.Gateway.Management.SampleHost.Api;

namespace Pico.Gateway.Management.SampleHost.Tests.Api;

public sealed class GatewayStatusJsonTests
{
    [Fact]
    public void Every_optional_field_is_written_with_the_seed_names_then_the_health_fields()
    {
        var snapshot = new GatewayEvent
        {
            Sequence = 9,
            Timestamp = DateTimeOffset.UnixEpoch,
            Status = GatewayStatus.Restarting,
            ProcessId = 42,
            BootFingerprint = "boot",
            CurrentFingerprint = "now",
            StartAllowed = false,
            StartBlockedReason = "no default model configured",
            HealthStatusCode = 503,
            LastError = "the gateway was killed by signal 9 unexpectedly",
            LastExitCode = 137,
            LastExitSignal = 9,
            NextRestartTime = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)),
            HealthDetails = Details("""{"uptime": 5, "pid": -1, "status_code": 200, "next_restart_at": "x", "logs": [], "log_total": 1, "log_run_id": 2}"""),
        };

        var json = JsonDocument.Parse(GatewayStatusJson.ToUtf8Bytes(snapshot)).RootElement;

        Assert.Equal(
            ["gateway_status", "pid", "gateway_owned", "boot_default_model", "config_default_model", "gateway_restart_required", "gateway_start_allowed",
             "gateway_start_reason", "status_code", "last_exit_code", "last_exit_signal", "last_error", "next_restart_at", "uptime"],
            json.EnumerateObject().Select(property => property.Name));
        Assert.Equal("restarting", json.GetProperty("gateway_status").GetString());
        Assert.Equal(42, json.GetProperty("pid").GetInt32());
        Assert.True(json.GetProperty("gateway_owned").GetBoolean());
        Assert.Equal(503, json.GetProperty("status_code").GetInt32());
        Assert.Equal(9, json.GetProperty("last_exit_signal").GetInt32());
        Assert.Equal(new DateTimeOffset(2030, 1, 2, 1, 4, 5, TimeSpan.Zero), json.GetProperty("next_restart_at").GetDateTimeOffset());
        Assert.EndsWith("Z", json.GetProperty("next_restart_at").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_gateway_started_outside_the_host_is_not_owned()
    {
        var snapshot = new GatewayEvent { Sequence = 1, Timestamp = DateTimeOffset.UnixEpoch, Status = GatewayStatus.Running, ProcessId = 7, Ownership = GatewayOwnership.External };

        var json = JsonDocument.Parse(GatewayStatusJson.ToUtf8Bytes(snapshot)).RootElement;

        Assert.False(json.GetProperty("gateway_owned").GetBoolean());
    }

    [Fact]
    public void A_start_reason_is_only_written_while_start_is_not_allowed()
    {
        var snapshot = new GatewayEvent { Sequence = 1, Timestamp = DateTimeOffset.UnixEpoch, Status = GatewayStatus.Stopped, StartAllowed = true, StartBlockedReason = "stale" };

        var json = JsonDocument.Parse(GatewayStatusJson.ToUtf8Bytes(snapshot)).RootElement;

        Assert.False(json.TryGetProperty("gateway_start_reason", out _));
    }

    [Theory]
    [InlineData(GatewayStatus.Stopped, "stopped")]
    [InlineData(GatewayStatus.Starting, "starting")]
    [InlineData(GatewayStatus.Running, "running")]
    [InlineData(GatewayStatus.Restarting, "restarting")]
    [InlineData(GatewayStatus.Stopping, "stopping")]
    [InlineData(GatewayStatus.Error, "error")]
    public void Statuses_are_the_lower_case_words(GatewayStatus status, string expected) =>
        Assert.Equal(expected, status.ToJsonName());

    private static Dictionary<string, JsonElement> Details(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(property => property.Name, property => property.Value.Clone(), StringComparer.Ordinal);
}
