using System.Diagnostics;
using System.Globalization;

namespace Pico.Gateway.Management.SampleHost.Tests.Proxy;

/// <summary>
/// Debian's nginx (build/test.sh installs it), run by the test as its child in the foreground with a temporary prefix and
/// config, on a free loopback port, the way the README's recipe configures it. Disposing it kills it and deletes the prefix.
/// </summary>
internal sealed class NginxProxy : IReverseProxy
{
    private readonly Process _process;
    private readonly string _prefix;

    private NginxProxy(Process process, string prefix, Uri baseAddress)
    {
        _process = process;
        _prefix = prefix;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string Kind => "nginx";

    public static string? FindExecutable()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin")
            .Select(directory => Path.Combine(directory, "nginx"));
        return candidates.FirstOrDefault(File.Exists);
    }

    public static async Task<IReverseProxy> StartAsync(string executable, Uri upstream, bool forwardHeaders)
    {
        var prefix = Directory.CreateTempSubdirectory("pico-nginx-").FullName;
        var port = FreePort.Next();
        var pidFile = Path.Combine(prefix, "nginx.pid");
        await File.WriteAllTextAsync(Path.Combine(prefix, "nginx.conf"), Config(prefix, port, upstream, forwardHeaders));

        // nginx writes its pid file once its listening sockets are open: watch for it instead of probing the port.
        using var watcher = new FileSystemWatcher(prefix, "nginx.pid") { EnableRaisingEvents = true };
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        watcher.Created += (_, _) => ready.TrySetResult();
        watcher.Changed += (_, _) => ready.TrySetResult();

        var start = new ProcessStartInfo(executable)
        {
            ArgumentList = { "-p", prefix, "-c", Path.Combine(prefix, "nginx.conf"), "-e", Path.Combine(prefix, "error.log") },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start");
        var exited = process.WaitForExitAsync();
        try
        {
            if (!File.Exists(pidFile))
            {
                var first = await Task.WhenAny(ready.Task, exited).WaitAsync(TestTimeouts.Wait);
                if (first == exited)
                {
                    var log = File.ReadAllText(Path.Combine(prefix, "error.log"));
                    throw new InvalidOperationException($"nginx exited with {process.ExitCode} before listening: {await process.StandardError.ReadToEndAsync()} {log}");
                }
            }

            return new NginxProxy(process, prefix, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/")));
        }
        catch
        {
            process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
            Directory.Delete(prefix, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync().WaitAsync(TestTimeouts.Wait);
        _process.Dispose();
        Directory.Delete(_prefix, recursive: true);
    }

    /// <summary>The README's recipe (proxy_pass keeps nginx's default Host, the upstream's address), in the foreground, everything under the prefix.</summary>
    private static string Config(string prefix, int port, Uri upstream, bool forwardHeaders)
    {
        var forwarded = forwardHeaders
            ? """
                  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                  proxy_set_header X-Forwarded-Proto $scheme;
                  proxy_set_header X-Forwarded-Host $http_host;
              """
            : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $$"""
            daemon off;
            master_process off;
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/error.log warn;
            events { worker_connections 256; }
            http {
              access_log {{prefix}}/access.log;
              client_body_temp_path {{prefix}}/body;
              proxy_temp_path {{prefix}}/proxy;
              fastcgi_temp_path {{prefix}}/fastcgi;
              uwsgi_temp_path {{prefix}}/uwsgi;
              scgi_temp_path {{prefix}}/scgi;
              server {
                listen 127.0.0.1:{{port}};
                location / {
                  proxy_pass http://{{upstream.Authority}};
                  proxy_http_version 1.1;
                  proxy_buffering off;
                  proxy_read_timeout 1h;
            {{forwarded}}
                }
              }
            }
            """);
    }
}
