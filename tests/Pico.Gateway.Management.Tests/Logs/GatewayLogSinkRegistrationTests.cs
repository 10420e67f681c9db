using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Pico.Gateway.Management.Tests.Logs;

public sealed class GatewayLogSinkRegistrationTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "pico-sink-di-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void Adding_each_sink_twice_registers_it_once_and_applies_both_delegates()
    {
        var services = new ServiceCollection().AddLogging();

        services.AddGatewayManagement()
            .AddLoggerSink()
            .AddLoggerSink()
            .AddRollingFileSink(o => o.Directory = _directory)
            .AddRollingFileSink(o => o.MaxFiles = 2);

        using var provider = services.BuildServiceProvider();
        var sinks = provider.GetServices<ILogSink>().ToArray();
        Assert.Single(sinks.OfType<GatewayLoggerSink>());
        Assert.Same(provider.GetRequiredService<RollingFileLogSink>(), Assert.Single(sinks.OfType<RollingFileLogSink>()));
        var options = provider.GetRequiredService<IOptions<RollingFileLogSinkOptions>>().Value;
        Assert.Equal((_directory, 2), (options.Directory, options.MaxFiles));
    }

    [Fact]
    public async Task Disposing_the_container_flushes_the_file_sink()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddGatewayManagement().AddRollingFileSink(o => o.Directory = _directory);
        var provider = services.BuildServiceProvider();
        var sink = provider.GetServices<ILogSink>().OfType<RollingFileLogSink>().Single();

        sink.Write(new GatewayLogLine(1, DateTimeOffset.UnixEpoch, GatewayLogStream.StandardOutput, "bye"));
        await provider.DisposeAsync().WaitAsync(TestTimeouts.Wait);

        Assert.EndsWith(" out bye\n", await File.ReadAllTextAsync(Path.Combine(_directory, "gateway.log")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_file_sink_options_fail_the_host_start_with_every_problem()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddGatewayManagement(o => o.ExecutablePath = "/bin/true")
            .AddRollingFileSink(o => (o.MaxFiles, o.QueueCapacity) = (0, 0));
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(ex.Failures, f => f.Contains("Directory", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("MaxFiles", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("QueueCapacity", StringComparison.Ordinal));
    }

    [Fact]
    public void A_named_gateway_gets_its_own_keyed_sinks_with_its_name_as_file_prefix()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddGatewayManagement().AddRollingFileSink(o => o.Directory = _directory);
        services.AddGatewayManagement("eu").AddLoggerSink().AddRollingFileSink(o => o.Directory = _directory).AddRollingFileSink(o => o.MaxFiles = 3);

        using var provider = services.BuildServiceProvider();
        var unnamed = Assert.Single(provider.GetServices<ILogSink>());
        var named = provider.GetKeyedServices<ILogSink>("eu").ToArray();
        Assert.Equal(2, named.Length);
        Assert.Single(named.OfType<GatewayLoggerSink>());
        var namedFile = Assert.Single(named.OfType<RollingFileLogSink>());
        Assert.Same(provider.GetRequiredKeyedService<RollingFileLogSink>("eu"), namedFile);
        Assert.Equal(Path.Combine(_directory, "eu.log"), namedFile.CurrentFilePath);
        Assert.Equal(Path.Combine(_directory, "gateway.log"), ((RollingFileLogSink)unnamed).CurrentFilePath);
        Assert.Equal(3, provider.GetRequiredService<IOptionsMonitor<RollingFileLogSinkOptions>>().Get("eu").MaxFiles);
    }
}
