using System.Net;
using System.Text.Json;
using Pico.Gateway.Management.SampleHost.Picoclaw;
using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Api;

public sealed class StatusEndpointTests
{
    private static readonly string[] LogFields = ["logs", "log_total", "log_run_id"];

    [Fact]
    public async Task Status_of_a_stopped_gateway_has_the_seed_fields_and_no_log_fields()
    {
        await using var host = await TestHost.StartAsync();
        await host.WaitForAsync(e => DefaultModelFingerprint.ModelName(e.CurrentFingerprint) == "demo");

        using var response = await host.Client.GetAsync("/api/gateway/status");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var status = await TestHost.ReadJsonAsync(response);
        Assert.Equal("stopped", status.GetProperty("gateway_status").GetString());
        Assert.False(status.TryGetProperty("pid", out _));
        Assert.False(status.TryGetProperty("boot_default_model", out _));
        Assert.Equal("demo", status.GetProperty("config_default_model").GetString());
        Assert.False(status.GetProperty("gateway_restart_required").GetBoolean());
        Assert.True(status.GetProperty("gateway_start_allowed").GetBoolean());
        Assert.False(status.TryGetProperty("gateway_start_reason", out _));
        Assert.False(status.TryGetProperty("status_code", out _));
        Assert.All(LogFields, field => Assert.False(status.TryGetProperty(field, out _)));
    }

    [Fact]
    public async Task Status_of_a_running_gateway_merges_health_fields_without_letting_them_override_ours()
    {
        const string Body = """{"pid":-1,"gateway_status":"hacked","gateway_start_allowed":"no","logs":["leak"],"log_total":99,"log_run_id":7,"version":"child","nested":{"depth":1}}""";
        await using var host = await TestHost.StartAsync(settings => settings.UseChild("healthy", "--port", "{port}", "--body", Body));

        var pid = await host.StartRunningAsync();
        var status = await host.GetJsonAsync("/api/gateway/status");

        Assert.Equal("running", status.GetProperty("gateway_status").GetString());
        Assert.Equal(pid, status.GetProperty("pid").GetInt32());
        Assert.True(status.GetProperty("gateway_start_allowed").GetBoolean());
        Assert.Equal("demo", status.GetProperty("boot_default_model").GetString());
        Assert.Equal("demo", status.GetProperty("config_default_model").GetString());
        Assert.Equal("child", status.GetProperty("version").GetString());
        Assert.Equal(1, status.GetProperty("nested").GetProperty("depth").GetInt32());
        Assert.All(LogFields, field => Assert.False(status.TryGetProperty(field, out _)));
        Assert.Single(status.EnumerateObject(), property => property.Name == "pid");
        Assert.Single(status.EnumerateObject(), property => property.Name == "gateway_status");
    }

    [Fact]
    public async Task Status_of_the_demo_gateway_carries_its_health_body()
    {
        await using var host = await TestHost.StartAsync();

        var pid = await host.StartRunningAsync();
        var status = await host.GetJsonAsync("/api/gateway/status");

        Assert.Equal(pid, status.GetProperty("pid").GetInt32());
        Assert.Equal("ok", status.GetProperty("status").GetString());
        Assert.Equal("demo", status.GetProperty("version").GetString());
        Assert.Equal(JsonValueKind.Number, status.GetProperty("uptime").ValueKind);
    }

    [Fact]
    public async Task Status_requires_a_restart_when_the_default_model_changes_while_running()
    {
        await using var host = await TestHost.StartAsync();
        var pid = await host.StartRunningAsync();

        host.Workspace.WriteConfig(PicoclawConfigs.Valid(host.Workspace.GatewayPort, "other", "demo"));
        await host.WaitForAsync(e => e.RestartRequired);
        var status = await host.GetJsonAsync("/api/gateway/status");

        Assert.Equal("running", status.GetProperty("gateway_status").GetString());
        Assert.Equal(pid, status.GetProperty("pid").GetInt32());
        Assert.True(status.GetProperty("gateway_restart_required").GetBoolean());
        Assert.Equal("demo", status.GetProperty("boot_default_model").GetString());
        Assert.Equal("other", status.GetProperty("config_default_model").GetString());

        using var restart = await host.PostAsync("/api/gateway/restart");
        Assert.Equal(HttpStatusCode.OK, restart.StatusCode);
        var newPid = (await TestHost.ReadJsonAsync(restart)).GetProperty("pid").GetInt32();
        await host.WaitForAsync(e => e.Status == GatewayStatus.Running && e.ProcessId == newPid);
        var after = await host.GetJsonAsync("/api/gateway/status");
        Assert.False(after.GetProperty("gateway_restart_required").GetBoolean());
        Assert.Equal("other", after.GetProperty("boot_default_model").GetString());
    }

    [Fact]
    public async Task Status_reports_error_and_status_code_when_the_health_check_answers_non_200()
    {
        await using var host = await TestHost.StartAsync(settings => settings.UseChild(
            "healthy", "--port", "{port}", "--health-file", Path.Combine(settings.Workspace.Directory, "health")));
        await host.StartRunningAsync();

        // Renamed into place: the child reads the file on every request, and a half-written one answers 500.
        var health = Path.Combine(host.Workspace.Directory, "health");
        await File.WriteAllTextAsync(health + ".tmp", "503 {\"error\":\"down\"}");
        File.Move(health + ".tmp", health, overwrite: true);
        await host.WaitForStatusAsync(GatewayStatus.Error);
        var status = await host.GetJsonAsync("/api/gateway/status");

        Assert.Equal("error", status.GetProperty("gateway_status").GetString());
        Assert.Equal(503, status.GetProperty("status_code").GetInt32());
        Assert.False(string.IsNullOrEmpty(status.GetProperty("last_error").GetString()));
        Assert.False(status.TryGetProperty("error", out _));
    }

    [Fact]
    public async Task Status_reports_the_exit_code_and_error_of_a_gateway_that_exited_on_its_own()
    {
        await using var host = await TestHost.StartAsync(settings => settings.UseChild("exit", "--code", "3"));

        using var start = await host.PostAsync("/api/gateway/start");
        Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        await host.WaitForAsync(e => e.LastExitCode == 3);
        var status = await host.GetJsonAsync("/api/gateway/status");

        Assert.Equal("stopped", status.GetProperty("gateway_status").GetString());
        Assert.Equal(3, status.GetProperty("last_exit_code").GetInt32());
        Assert.Contains("3", status.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.False(status.TryGetProperty("pid", out _));
    }

    [Fact]
    public async Task Status_shows_why_start_is_not_allowed()
    {
        await using var host = await TestHost.StartAsync(settings => settings.Workspace.WriteConfig(
            PicoclawConfigs.WithGateway(settings.Workspace.GatewayPort, """ "agents": { "defaults": { "model_name": "ghost" } } """)));

        await host.WaitForAsync(e => !e.StartAllowed);
        var status = await host.GetJsonAsync("/api/gateway/status");

        Assert.False(status.GetProperty("gateway_start_allowed").GetBoolean());
        Assert.Equal("default model \"ghost\" is invalid", status.GetProperty("gateway_start_reason").GetString());
    }

    [Fact]
    public async Task Status_of_an_unparsable_config_is_200_with_the_parser_message()
    {
        await using var host = await TestHost.StartAsync(settings => settings.Workspace.WriteConfig("{ not json"));

        await host.WaitForAsync(e => !e.StartAllowed);
        var status = await host.GetJsonAsync("/api/gateway/status");

        Assert.False(status.GetProperty("gateway_start_allowed").GetBoolean());
        Assert.StartsWith("failed to load config: ", status.GetProperty("gateway_start_reason").GetString(), StringComparison.Ordinal);
    }
}
