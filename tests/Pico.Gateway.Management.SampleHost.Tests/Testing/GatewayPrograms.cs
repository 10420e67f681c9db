using System.Reflection;

namespace Pico.Gateway.Management.SampleHost.Tests.Testing;

/// <summary>The real programs the tests launch as the gateway.</summary>
internal static class GatewayPrograms
{
    /// <summary>Gets the demo gateway's apphost, which the build copies beside the sample host (and so beside these tests).</summary>
    public static string DemoGateway => SampleHostProcess.DemoGatewayBesideTests;

    /// <summary>Gets the test child (modes: healthy, ignore-term, exit, flood, never-healthy, ...).</summary>
    public static string Child { get; } = Path.Combine(
        typeof(GatewayPrograms).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TestChildDirectory").Value!,
        "Pico.Gateway.Management.Tests.Child" + (OperatingSystem.IsWindows() ? ".exe" : string.Empty));
}
