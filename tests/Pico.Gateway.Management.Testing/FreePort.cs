using System.Net;
using System.Net.Sockets;

namespace Pico.Gateway.Management.Testing;

/// <summary>Loopback ports the OS hands out, for a child or a host a test starts.</summary>
public static class FreePort
{
    /// <summary>A port the OS just handed out on 127.0.0.1, free again once this returns.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
