using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Security;

public sealed class ListenAddressTests
{
    [Theory]
    [InlineData("--urls", "http://0.0.0.0:18800")]
    [InlineData("--urls", "http://*:18800")]
    [InlineData("--urls", "http://+:18800")]
    [InlineData("--urls", "http://[::]:18800")]
    [InlineData("--urls", "http://192.168.1.20:18800")]
    [InlineData("--urls", "http://gateway.lan:18800")]
    [InlineData("--urls", "http://127.0.0.1:18800;http://0.0.0.0:18801")]
    [InlineData("--Kestrel:Endpoints:Http:Url", "http://0.0.0.0:18800")]
    public void A_non_loopback_binding_without_a_token_refuses_to_start(string key, string value)
    {
        using var workspace = new TestWorkspace();

        var error = Assert.Throws<InvalidOperationException>(() => SampleHostApp.Build([$"{key}={value}", $"--PICOCLAW_CONFIG={workspace.ConfigPath}"]));

        Assert.Contains("SampleHost:AccessToken", error.Message, StringComparison.Ordinal);
        Assert.Contains("SampleHost__AccessToken", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Http_ports_bind_every_interface_and_need_a_token()
    {
        using var workspace = new TestWorkspace();

        Assert.Throws<InvalidOperationException>(() => SampleHostApp.Build(["--urls=", "--http_ports=18800", $"--PICOCLAW_CONFIG={workspace.ConfigPath}"]));
    }

    [Fact]
    public async Task A_non_loopback_binding_with_a_token_may_start()
    {
        using var workspace = new TestWorkspace();

        await using var app = SampleHostApp.Build(["--urls=http://0.0.0.0:18800", "--SampleHost:AccessToken=t", $"--PICOCLAW_CONFIG={workspace.ConfigPath}"]);
    }

    [Theory]
    [InlineData("http://127.0.0.1:0")]
    [InlineData("http://localhost:0")]
    [InlineData("http://[::1]:0")]
    [InlineData("http://127.0.0.2:0")]
    public async Task Loopback_bindings_need_no_token(string url)
    {
        using var workspace = new TestWorkspace();

        await using var app = SampleHostApp.Build([$"--urls={url}", $"--PICOCLAW_CONFIG={workspace.ConfigPath}"]);
    }
}
