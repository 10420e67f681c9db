using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Pico.Gateway.Management.Tests.Logs;

public sealed class GatewayLoggerSinkTests
{
    [Fact]
    public void Stdout_is_logged_as_information_and_stderr_as_warning_under_the_documented_category()
    {
        var provider = new FakeLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(provider).SetMinimumLevel(LogLevel.Trace));
        var sink = new GatewayLoggerSink(factory);

        sink.Write(new GatewayLogLine(1, DateTimeOffset.UnixEpoch, GatewayLogStream.StandardOutput, "listening on 18790"));
        sink.Write(new GatewayLogLine(2, DateTimeOffset.UnixEpoch, GatewayLogStream.StandardError, "disk almost full"));

        var records = provider.Collector.GetSnapshot();
        Assert.Equal(
            [
                ("Pico.Gateway.Management.GatewayOutput", LogLevel.Information, 30, "listening on 18790"),
                ("Pico.Gateway.Management.GatewayOutput", LogLevel.Warning, 31, "disk almost full"),
            ],
            records.Select(r => (r.Category, r.Level, r.Id.Id, r.Message)));
        Assert.Equal("listening on 18790", records[0].GetStructuredStateValue("Line"));
    }

    [Fact]
    public void A_named_gateway_logs_under_a_subcategory_that_filters_on_the_documented_category_cover()
    {
        var provider = new FakeLoggerProvider();
        using var factory = LoggerFactory.Create(b => b
            .AddProvider(provider)
            .AddFilter(GatewayLoggerSink.CategoryName, LogLevel.Warning));
        var sink = new GatewayLoggerSink(factory, "eu");

        sink.Write(new GatewayLogLine(1, DateTimeOffset.UnixEpoch, GatewayLogStream.StandardOutput, "filtered out"));
        sink.Write(new GatewayLogLine(2, DateTimeOffset.UnixEpoch, GatewayLogStream.StandardError, "kept"));

        var record = Assert.Single(provider.Collector.GetSnapshot());
        Assert.Equal(("Pico.Gateway.Management.GatewayOutput.eu", "kept"), (record.Category, record.Message));
    }
}
