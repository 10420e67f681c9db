using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Pico.Gateway.Management.SampleHost.Tests.Testing;

/// <summary>This suite's use of the shared <see cref="SampleHostProcess"/>: a host configured by <see cref="TestHostSettings"/>, and its event stream.</summary>
internal static class SampleHostProcesses
{
    /// <summary>
    /// Starts the sample host's apphost with the settings' command line, in the workspace's directory; <paramref name="environment"/>
    /// adds variables to the environment it inherits from the test.
    /// </summary>
    public static Task<SampleHostProcess> StartAsync(TestHostSettings settings, IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(SampleHostProcess.ExecutableBesideTests) { WorkingDirectory = settings.Workspace.Directory };
        foreach (var argument in settings.ToArgs())
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        return SampleHostProcess.StartAsync(startInfo, TestTimeouts.Wait);
    }

    /// <summary>Opens the event stream and reads it until the gateway is running; returns the stream (still open) and the gateway's pid.</summary>
    public static async Task<(ServerSentEventReader Events, int Pid)> WaitForRunningGatewayAsync(this SampleHostProcess host)
    {
        var events = await ServerSentEventReader.OpenAsync(host.Client);
        try
        {
            while (true)
            {
                var message = await events.ReadAsync() ?? throw new InvalidOperationException($"the event stream ended before the gateway ran:\n{host.Output}");
                if (message.Data is null)
                {
                    continue;
                }

                var status = message.Json;
                if (status.GetProperty("gateway_status").GetString() == "running")
                {
                    return (events, status.GetProperty("pid").GetInt32());
                }
            }
        }
        catch
        {
            await events.DisposeAsync();
            throw;
        }
    }

    /// <summary>Posts <c>/api/gateway/{action}</c>, asserts the 409 <c>not_owned</c> answer, and returns its message.</summary>
    public static async Task<string> PostRefusedAsync(this SampleHostProcess host, string action)
    {
        using var response = await host.Client.PostAsync(new Uri($"/api/gateway/{action}", UriKind.Relative), content: null);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var refused = await TestHost.ReadJsonAsync(response);
        Assert.Equal("not_owned", refused.GetProperty("status").GetString());
        return refused.GetProperty("message").GetString()!;
    }

    public static async Task<JsonElement> GetJsonAsync(this SampleHostProcess host, string path)
    {
        using var response = await host.Client.GetAsync(new Uri(path, UriKind.Relative)).WaitAsync(TestTimeouts.Wait);
        return await TestHost.ReadJsonAsync(response);
    }
}
