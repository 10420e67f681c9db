using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pico.Gateway.Management.Benchmarks.Infrastructure;

namespace Pico.Gateway.Management.Benchmarks.Scenarios;

/// <summary>
/// The sample host as a user runs it (<c>dotnet Pico.Gateway.Management.SampleHost.dll</c>, on an OS-assigned loopback port), with a
/// private picoclaw config whose gateway (the bundled demo gateway) listens on a free loopback port. The process itself is the
/// tests' shared <see cref="SampleHostProcess"/>; this adds what the scenarios measure.
/// </summary>
internal sealed class BenchSampleHost : IAsyncDisposable
{
    private readonly SampleHostProcess _host;

    private BenchSampleHost(SampleHostProcess host)
    {
        _host = host;
    }

    public int ProcessId => _host.Id;

    public Uri BaseUri => _host.BaseAddress;

    public HttpClient Client => _host.Client;

    /// <summary>Gets everything the host printed so far.</summary>
    public string Output => _host.Output;

    /// <summary>Starts the host: <c>dotnet</c> with the built dll, or a Native AOT build of it when <paramref name="aotExecutable"/> is given.</summary>
    public static Task<BenchSampleHost> StartAsync(string directory, string? aotExecutable = null) => StartAsync(directory, aotExecutable, gatewayArguments: null);

    /// <summary>Starts the host with more command-line configuration, given the gateway port its config names (a gateway of the scenario's own, say).</summary>
    public static Task<BenchSampleHost> StartAsync(string directory, string? aotExecutable, Func<int, IEnumerable<string>>? gatewayArguments) =>
        StartAsync(directory, aotExecutable, gatewayArguments, environment: null);

    /// <summary>As above, with variables added to the host's environment (runtime settings such as <c>DOTNET_TieredPGO</c>).</summary>
    public static async Task<BenchSampleHost> StartAsync(string directory, string? aotExecutable, Func<int, IEnumerable<string>>? gatewayArguments, IReadOnlyDictionary<string, string>? environment)
    {
        var gatewayPort = FreePort.Next();
        var config = Path.Combine(directory, "config.json");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $$$$"""
            {"agents":{"defaults":{"model_name":"demo"}},"model_list":[{"model_name":"demo","model":"demo/echo","api_key":"demo"}],"gateway":{"host":"127.0.0.1","port":{{{{gatewayPort}}}}}}
            """));
        var info = new ProcessStartInfo(aotExecutable ?? "dotnet");
        if (aotExecutable is null)
        {
            info.ArgumentList.Add(Paths.SampleHostDll);
        }
        else
        {
            // A published executable has no demo gateway beside it: use the one the build put beside the dll.
            info.Environment["PICOCLAW_BINARY"] = Path.Combine(Path.GetDirectoryName(Paths.SampleHostDll)!, "Pico.Gateway.Management.DemoGateway");
        }

        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var argument in gatewayArguments?.Invoke(gatewayPort) ?? [])
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["PICOCLAW_CONFIG"] = config;
        // picoclaw's own .picoclaw.pid is looked for beside the config: a real gateway started elsewhere is never measured.
        info.Environment["PICOCLAW_HOME"] = Path.GetDirectoryName(config)!;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var host = new BenchSampleHost(await SampleHostProcess.StartAsync(info, TimeSpan.FromSeconds(60)));
        try
        {
            await host.WaitForStatusAsync("running", TimeSpan.FromSeconds(60));
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    public async Task<string> StatusAsync()
    {
        using var response = await Client.GetAsync(new Uri("api/gateway/status", UriKind.Relative));
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("gateway_status").GetString()!;
    }

    public async Task WaitForStatusAsync(string status, TimeSpan timeout)
    {
        var deadline = Clock.Now() + (long)timeout.TotalNanoseconds;
        while (true)
        {
            try
            {
                if (await StatusAsync() == status)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (_host.HasExited)
            {
                throw new InvalidOperationException($"the sample host exited with code {_host.ExitCode}:\n{_host.Output}");
            }

            if (Clock.Now() > deadline)
            {
                throw new TimeoutException($"the sample host's gateway never reached '{status}'");
            }

            await Task.Delay(50);
        }
    }

    public async Task PostAsync(string action)
    {
        using var response = await Client.PostAsync(new Uri($"api/gateway/{action}", UriKind.Relative), null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>VmRSS, RssAnon and RssFile of the host process, in bytes.</summary>
    public (long Rss, long Anonymous, long File) Memory() => ReadMemory(_host.Id);

    public static (long Rss, long Anonymous, long File) ReadMemory(int pid)
    {
        long rss = 0, anonymous = 0, file = 0;
        foreach (var line in System.IO.File.ReadLines($"/proc/{pid}/status"))
        {
            var value = line.Split(':', 2);
            if (value.Length != 2)
            {
                continue;
            }

            var kilobytes = value[1].Trim().Split(' ')[0];
            switch (value[0])
            {
                case "VmRSS":
                    rss = long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
                    break;
                case "RssAnon":
                    anonymous = long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
                    break;
                case "RssFile":
                    file = long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
                    break;
            }
        }

        return (rss, anonymous, file);
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
