using Microsoft.Extensions.Configuration;
using Pico.Gateway.Management.SampleHost.Picoclaw;
using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Picoclaw;

public sealed class GatewayExecutableLocatorTests : IDisposable
{
    private static readonly string Suffix = OperatingSystem.IsWindows() ? ".exe" : string.Empty;

    private readonly TestWorkspace _workspace = new();

    private string HostDirectory => Directory.CreateDirectory(Path.Combine(_workspace.Directory, "host")).FullName;

    private string PathDirectory => Directory.CreateDirectory(Path.Combine(_workspace.Directory, "bin")).FullName;

    [Fact]
    public void Picoclaw_binary_wins_when_it_names_an_existing_file()
    {
        var binary = Executable(Path.Combine(_workspace.Directory, "custom-picoclaw"));
        Executable(Path.Combine(HostDirectory, "picoclaw" + Suffix));

        var command = GatewayExecutableLocator.Locate(Configuration(("PICOCLAW_BINARY", binary), ("PATH", PathDirectory)), HostDirectory);

        Assert.Equal(binary, command.ExecutablePath);
        Assert.Empty(command.LeadingArguments);
    }

    [Fact]
    public void A_picoclaw_binary_that_does_not_exist_is_ignored()
    {
        var besideHost = Executable(Path.Combine(HostDirectory, "picoclaw" + Suffix));

        var command = GatewayExecutableLocator.Locate(Configuration(("PICOCLAW_BINARY", Path.Combine(_workspace.Directory, "missing"))), HostDirectory);

        Assert.Equal(besideHost, command.ExecutablePath);
    }

    [Fact]
    public void Picoclaw_beside_the_host_wins_over_path()
    {
        var besideHost = Executable(Path.Combine(HostDirectory, "picoclaw" + Suffix));
        Executable(Path.Combine(PathDirectory, "picoclaw" + Suffix));

        var command = GatewayExecutableLocator.Locate(Configuration(("PATH", PathDirectory)), HostDirectory);

        Assert.Equal(besideHost, command.ExecutablePath);
    }

    [Fact]
    public void Picoclaw_on_path_wins_over_the_demo_gateway()
    {
        var onPath = Executable(Path.Combine(PathDirectory, "picoclaw" + Suffix));
        Executable(Path.Combine(HostDirectory, GatewayExecutableLocator.DemoGatewayName + Suffix));

        var command = GatewayExecutableLocator.Locate(Configuration(("PATH", $"{_workspace.Directory}/nowhere{Path.PathSeparator}{PathDirectory}")), HostDirectory);

        Assert.Equal(onPath, command.ExecutablePath);
    }

    [Fact]
    public void A_non_executable_picoclaw_on_path_is_skipped()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.WriteAllText(Path.Combine(PathDirectory, "picoclaw" + Suffix), "not a program");
        var demo = Executable(Path.Combine(HostDirectory, GatewayExecutableLocator.DemoGatewayName + Suffix));

        var command = GatewayExecutableLocator.Locate(Configuration(("PATH", PathDirectory)), HostDirectory);

        Assert.Equal(demo, command.ExecutablePath);
    }

    [Fact]
    public void Without_picoclaw_the_demo_gateway_apphost_is_used()
    {
        var demo = Executable(Path.Combine(HostDirectory, GatewayExecutableLocator.DemoGatewayName + Suffix));

        var command = GatewayExecutableLocator.Locate(Configuration(("PATH", PathDirectory)), HostDirectory);

        Assert.Equal(demo, command.ExecutablePath);
        Assert.Empty(command.LeadingArguments);
    }

    [Fact]
    public void Without_an_apphost_the_demo_gateway_runs_through_dotnet()
    {
        var assembly = Path.Combine(HostDirectory, GatewayExecutableLocator.DemoGatewayName + ".dll");
        File.WriteAllText(assembly, string.Empty);

        var command = GatewayExecutableLocator.Locate(Configuration(("PATH", PathDirectory)), HostDirectory);

        Assert.Equal("dotnet", Path.GetFileNameWithoutExtension(command.ExecutablePath));
        Assert.Equal([assembly], command.LeadingArguments);
    }

    [Fact]
    public void The_build_puts_the_demo_gateway_beside_the_host()
    {
        var command = GatewayExecutableLocator.Locate(Configuration(("PATH", string.Empty)), AppContext.BaseDirectory);

        Assert.Equal(GatewayPrograms.DemoGateway, command.ExecutablePath);
    }

    public void Dispose() => _workspace.Dispose();

    private static string Executable(string path)
    {
        File.WriteAllText(path, "#!/bin/sh\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(pair => new KeyValuePair<string, string?>(pair.Key, pair.Value))).Build();
}
