using System.Net;
using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Api;

public sealed class StopAndRestartEndpointTests
{
    [Fact]
    public async Task Stop_answers_200_with_the_pid_and_the_gateway_stops()
    {
        await using var host = await TestHost.StartAsync();
        var pid = await host.StartRunningAsync();

        using var response = await host.PostAsync("/api/gateway/stop");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await TestHost.ReadJsonAsync(response);
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.Equal(pid, body.GetProperty("pid").GetInt32());
        await host.WaitForStatusAsync(GatewayStatus.Stopped);
        Assert.False(ProcessTable.IsAlive(pid));
    }

    [Fact]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    public async Task Stop_answers_at_once_without_waiting_for_the_gateway_to_exit()
    {
        await using var host = await TestHost.StartAsync(settings => settings
            .UseChild("ignore-term", "--port", "{port}")
            .Set("Gateway:StopTimeout", "00:00:02"));
        var pid = await host.StartRunningAsync();

        using var response = await host.PostAsync("/api/gateway/stop");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(pid, (await TestHost.ReadJsonAsync(response)).GetProperty("pid").GetInt32());
        var status = await host.GetJsonAsync("/api/gateway/status");
        Assert.Equal("stopping", status.GetProperty("gateway_status").GetString());
        Assert.True(ProcessTable.IsAlive(pid), "a gateway that ignores SIGTERM is still alive when stop answers");

        await host.WaitForStatusAsync(GatewayStatus.Stopped);
        Assert.False(ProcessTable.IsAlive(pid));
    }

    [Fact]
    public async Task Stop_answers_not_running_when_nothing_runs()
    {
        await using var host = await TestHost.StartAsync();

        using var response = await host.PostAsync("/api/gateway/stop");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await TestHost.ReadJsonAsync(response);
        Assert.Equal("not_running", body.GetProperty("status").GetString());
        Assert.Single(body.EnumerateObject());
    }

    [Fact]
    public async Task Restart_answers_200_with_a_new_pid_and_the_old_process_is_gone()
    {
        await using var host = await TestHost.StartAsync();
        var oldPid = await host.StartRunningAsync();

        using var response = await host.PostAsync("/api/gateway/restart");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await TestHost.ReadJsonAsync(response);
        Assert.Equal("ok", body.GetProperty("status").GetString());
        var newPid = body.GetProperty("pid").GetInt32();
        Assert.NotEqual(oldPid, newPid);
        Assert.False(ProcessTable.IsAlive(oldPid));
        await host.WaitForAsync(e => e.Status == GatewayStatus.Running && e.ProcessId == newPid);
    }

    [Fact]
    public async Task Restart_of_a_stopped_gateway_starts_it()
    {
        await using var host = await TestHost.StartAsync();

        using var response = await host.PostAsync("/api/gateway/restart");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var pid = (await TestHost.ReadJsonAsync(response)).GetProperty("pid").GetInt32();
        await host.WaitForAsync(e => e.Status == GatewayStatus.Running && e.ProcessId == pid);
    }

    [Fact]
    public async Task Restart_answers_400_and_leaves_the_running_gateway_alone_when_a_precondition_fails()
    {
        await using var host = await TestHost.StartAsync();
        var pid = await host.StartRunningAsync();
        host.Workspace.WriteConfig(PicoclawConfigs.WithGateway(host.Workspace.GatewayPort, string.Empty));

        using var response = await host.PostAsync("/api/gateway/restart");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await TestHost.ReadJsonAsync(response);
        Assert.Equal("precondition_failed", body.GetProperty("status").GetString());
        Assert.Equal("no default model configured", body.GetProperty("message").GetString());
        var status = await host.GetJsonAsync("/api/gateway/status");
        Assert.Equal("running", status.GetProperty("gateway_status").GetString());
        Assert.Equal(pid, status.GetProperty("pid").GetInt32());
        Assert.True(ProcessTable.IsAlive(pid));
    }

    [Fact]
    public async Task Restart_answers_500_with_the_error_when_the_executable_does_not_exist()
    {
        await using var host = await TestHost.StartAsync(settings => settings.UseExecutable(Path.Combine(settings.Workspace.Directory, "missing", "picoclaw"), "gateway"));

        using var response = await host.PostAsync("/api/gateway/restart");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await TestHost.ReadJsonAsync(response);
        Assert.Equal("error", body.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
        Assert.Equal(GatewayStatus.Error, host.Manager.Current.Status);
    }
}
