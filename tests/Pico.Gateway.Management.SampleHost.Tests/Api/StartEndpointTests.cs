using System.Globalization;
using System.Net;
using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Api;

public sealed class StartEndpointTests
{
    public static TheoryData<string, string> UnreadyConfigs => new()
    {
        { """ "agents": { "defaults": {} } """, "no default model configured" },
        { """ "agents": { "defaults": { "model_name": "  " } }, "model_list": [] """, "no default model configured" },
        { """ "agents": { "defaults": { "model_name": "ghost" } }, "model_list": [ { "model_name": "demo", "api_key": "k" } ] """, "default model \"ghost\" is invalid" },
        { """ "agents": { "defaults": { "model": "legacy" } } """, "default model \"legacy\" is invalid" },
        { """ "agents": { "defaults": { "model_name": "keyless" } }, "model_list": [ { "model_name": "keyless", "model": "openai/gpt", "api_key": "" } ] """, "default model \"keyless\" has no credentials configured" },
        { """ "agents": { "defaults": { "model_name": "local" } }, "model_list": [ { "model_name": "local", "model": "ollama/llama", "auth_method": "local", "api_base": "http://127.0.0.1:{closed}/v1" } ] """, "default model \"local\" is not reachable" },
        { """ "agents": { "defaults": { "model_name": "loopback" } }, "model_list": [ { "model_name": "loopback", "model": "vllm/x", "api_base": "http://localhost:{closed}" } ] """, "default model \"loopback\" is not reachable" },
    };

    [Fact]
    public async Task Start_answers_200_with_the_pid_and_the_gateway_becomes_running()
    {
        await using var host = await TestHost.StartAsync();

        using var response = await host.PostAsync("/api/gateway/start");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await TestHost.ReadJsonAsync(response);
        Assert.Equal("ok", body.GetProperty("status").GetString());
        var pid = body.GetProperty("pid").GetInt32();
        Assert.Equal(2, body.EnumerateObject().Count());
        await host.WaitForAsync(e => e.Status == GatewayStatus.Running && e.ProcessId == pid);
        Assert.True(ProcessTable.IsAlive(pid));
    }

    [Fact]
    public async Task Start_answers_409_with_the_pid_when_the_gateway_is_already_running()
    {
        await using var host = await TestHost.StartAsync();
        var pid = await host.StartRunningAsync();

        using var response = await host.PostAsync("/api/gateway/start");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var body = await TestHost.ReadJsonAsync(response);
        Assert.Equal("already_running", body.GetProperty("status").GetString());
        Assert.Equal(pid, body.GetProperty("pid").GetInt32());
    }

    [Fact]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    public async Task Start_during_a_stop_answers_409_with_the_old_pid_at_once_without_waiting_for_the_exit()
    {
        // A gateway that ignores SIGTERM stays in 'stopping' for the whole StopTimeout: a 409 naming the old pid while it is still
        // alive did not wait (a start that waited would have answered 200 with a new pid). The host's own shutdown waits it out.
        await using var host = await TestHost.StartAsync(settings => settings
            .UseChild("ignore-term", "--port", "{port}")
            .Set("Gateway:StopTimeout", "00:00:10"));
        var pid = await host.StartRunningAsync();
        using (var stop = await host.PostAsync("/api/gateway/stop"))
        {
            Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        }

        Assert.Equal(GatewayStatus.Stopping, host.Manager.Current.Status);

        using var response = await host.PostAsync("/api/gateway/start");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var body = await TestHost.ReadJsonAsync(response);
        Assert.Equal("already_running", body.GetProperty("status").GetString());
        Assert.Equal(pid, body.GetProperty("pid").GetInt32());
        Assert.Equal(GatewayStatus.Stopping, host.Manager.Current.Status);
        Assert.True(ProcessTable.IsAlive(pid), "the old gateway is still alive: the answer did not wait for the stop");
    }

    [Theory]
    [MemberData(nameof(UnreadyConfigs))]
    public async Task Start_answers_400_with_the_precondition_that_failed(string members, string expectedMessage)
    {
        var closedPort = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        await using var host = await TestHost.StartAsync(settings => settings.Workspace.WriteConfig(
            PicoclawConfigs.WithGateway(settings.Workspace.GatewayPort, members.Replace("{closed}", closedPort, StringComparison.Ordinal))));

        using var response = await host.PostAsync("/api/gateway/start");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await TestHost.ReadJsonAsync(response);
        Assert.Equal("precondition_failed", body.GetProperty("status").GetString());
        Assert.Equal(expectedMessage, body.GetProperty("message").GetString());
        Assert.Equal(GatewayStatus.Stopped, host.Manager.Current.Status);
        Assert.Null(host.Manager.Current.ProcessId);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("[1, 2]")]
    [InlineData("""{ "agents": { "defaults": { "model_name": 42 } } }""")]
    public async Task Start_answers_400_with_the_parser_message_for_an_unparsable_config(string config)
    {
        await using var host = await TestHost.StartAsync(settings => settings.Workspace.WriteConfig(config));

        using var response = await host.PostAsync("/api/gateway/start");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await TestHost.ReadJsonAsync(response);
        Assert.Equal("precondition_failed", body.GetProperty("status").GetString());
        Assert.StartsWith("failed to load config: ", body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_reads_the_config_afresh_so_a_fixed_config_starts_without_a_host_restart()
    {
        await using var host = await TestHost.StartAsync(settings => settings.Workspace.WriteConfig("{}"));
        using (var refused = await host.PostAsync("/api/gateway/start"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        host.Workspace.WriteConfig(PicoclawConfigs.Valid(host.Workspace.GatewayPort));

        await host.StartRunningAsync();
    }

    [Fact]
    public async Task Start_answers_500_with_the_error_when_the_executable_does_not_exist()
    {
        await using var host = await TestHost.StartAsync(settings => settings.UseExecutable(Path.Combine(settings.Workspace.Directory, "no-such-gateway"), "gateway"));

        using var response = await host.PostAsync("/api/gateway/start");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await TestHost.ReadJsonAsync(response);
        Assert.Equal("error", body.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
        var status = await host.GetJsonAsync("/api/gateway/status");
        Assert.Equal("error", status.GetProperty("gateway_status").GetString());
        Assert.Equal(body.GetProperty("message").GetString(), status.GetProperty("last_error").GetString());
    }

    [Fact]
    public async Task A_local_model_that_accepts_connections_may_start()
    {
        using var modelServer = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        modelServer.Start();
        var modelPort = ((IPEndPoint)modelServer.LocalEndpoint).Port;
        await using var host = await TestHost.StartAsync(settings => settings.Workspace.WriteConfig(PicoclawConfigs.WithGateway(
            settings.Workspace.GatewayPort,
            $$""" "agents": { "defaults": { "model_name": "local" } }, "model_list": [ { "model_name": "local", "model": "ollama/llama", "auth_method": "local", "api_base": "http://127.0.0.1:{{modelPort}}/v1" } ] """)));

        await host.StartRunningAsync();
    }
}
