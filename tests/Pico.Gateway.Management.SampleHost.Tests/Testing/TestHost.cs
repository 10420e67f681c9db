using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Pico.Gateway.Management.SampleHost.Tests.Testing;

/// <summary>The sample host running in-process on real Kestrel (127.0.0.1, an OS-assigned port), with a real HttpClient.</summary>
internal sealed class TestHost : IAsyncDisposable
{
    private readonly bool _ownsWorkspace;

    private TestHost(WebApplication app, TestWorkspace workspace, Uri baseAddress, bool ownsWorkspace)
    {
        _ownsWorkspace = ownsWorkspace;
        App = app;
        Workspace = workspace;
        BaseAddress = baseAddress;
        Client = CreateClient();
    }

    public WebApplication App { get; }

    public TestWorkspace Workspace { get; }

    public Uri BaseAddress { get; }

    /// <summary>Gets the origin a browser on the dashboard would send: <c>http://127.0.0.1:port</c>.</summary>
    public string Origin => BaseAddress.GetLeftPart(UriPartial.Authority);

    public HttpClient Client { get; }

    public IGatewayManager Manager => App.Services.GetRequiredService<IGatewayManager>();

    public static Task<TestHost> StartAsync(Action<TestHostSettings>? configure = null) => StartAsync(new TestWorkspace(), configure, ownsWorkspace: true);

    /// <summary>A second host on another test's workspace: its config, gateway port and pid file.</summary>
    public static Task<TestHost> StartSharingAsync(TestHost other, Action<TestHostSettings>? configure = null) =>
        StartAsync(other.Workspace, configure, ownsWorkspace: false);

    private static async Task<TestHost> StartAsync(TestWorkspace workspace, Action<TestHostSettings>? configure, bool ownsWorkspace)
    {
        var settings = new TestHostSettings(workspace);
        configure?.Invoke(settings);
        WebApplication? app = null;
        try
        {
            app = SampleHostApp.Build(settings.ToArgs(), settings.ConfigureBuilder);
            await app.StartAsync().WaitAsync(TestTimeouts.Wait);
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            return new TestHost(app, workspace, new Uri(address), ownsWorkspace);
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync().WaitAsync(TestTimeouts.Wait);
            }

            if (ownsWorkspace)
            {
                workspace.Dispose();
            }

            throw;
        }
    }

    public HttpClient CreateClient() =>
        new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { BaseAddress = BaseAddress, Timeout = TestTimeouts.Wait };

    public Task<GatewayEvent> WaitForAsync(Func<GatewayEvent, bool> predicate) =>
        Manager.WaitForAsync(predicate).WaitAsync(TestTimeouts.Wait);

    public Task<GatewayEvent> WaitForStatusAsync(GatewayStatus status) => WaitForAsync(e => e.Status == status);

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadJsonAsync(response);
    }

    public Task<HttpResponseMessage> PostAsync(string path, string? origin = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        return Client.SendAsync(request);
    }

    /// <summary>Starts the gateway through the API and waits until it is running.</summary>
    public async Task<int> StartRunningAsync()
    {
        using var response = await PostAsync("/api/gateway/start");
        var body = await ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"start answered {(int)response.StatusCode}: {body}");
        var pid = body.GetProperty("pid").GetInt32();
        await WaitForAsync(e => e.Status == GatewayStatus.Running && e.ProcessId == pid);
        return pid;
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static void AssertNoCors(HttpResponseMessage response)
    {
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"), "no response may carry Access-Control-Allow-Origin");
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
        Assert.False(response.Content.Headers.TryGetValues("Access-Control-Allow-Origin", out _));
    }

    public static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        try
        {
            await App.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await App.DisposeAsync().WaitAsync(TestTimeouts.Wait);
        }

        var survivors = ProcessTable.LiveProcessesWithMarker(Workspace.Marker);
        foreach (var pid in survivors)
        {
            // Do not let one failure leak processes into the rest of the run.
            try
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill(entireProcessTree: true);
            }
            catch (ArgumentException)
            {
            }
        }

        if (_ownsWorkspace)
        {
            Workspace.Dispose();
        }

        Assert.True(survivors.Count == 0, $"gateway processes outlived the host: {string.Join(", ", survivors)}");
    }
}
