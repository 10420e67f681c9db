using System.Reflection;

namespace Pico.Gateway.Management.Tests.Testing;

/// <summary>Locates the real child program the integration tests launch.</summary>
internal static class TestChild
{
    public static string ExecutablePath { get; } = Path.Combine(
        typeof(TestChild).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TestChildDirectory").Value!,
        "Pico.Gateway.Management.Tests.Child");
}
