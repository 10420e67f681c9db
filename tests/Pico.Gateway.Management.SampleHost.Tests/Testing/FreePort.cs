using System.Net;
using System.Net.Sockets;

namespace Pico.Gateway.Management.SampleHost.Tests.Testing;

internal static class FreePort
{
    /// <summary>A port the OS just handed out on loopback, free again once this returns.</summary>
    public static int Next()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
