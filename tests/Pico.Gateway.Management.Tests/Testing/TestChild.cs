using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Pico.Gateway.Management.Tests.Testing;

/// <summary>Locates the real child program the integration tests launch, and allocates loopback ports for it.</summary>
internal static class TestChild
{
    public static string ExecutablePath { get; } = Path.Combine(
        typeof(TestChild).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TestChildDirectory").Value!,
        "Pico.Gateway.Management.Tests.Child");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
