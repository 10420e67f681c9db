using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Pico.Gateway.Management.Testing;

/// <summary>Loopback ports the OS hands out, for a child or a host a test starts.</summary>
public static class FreePort
{
    // Tests run in parallel: a port handed to one test is never handed to another of this process, even once the OS offers it again.
    private static readonly ConcurrentDictionary<int, byte> HandedOut = new();

    /// <summary>A port the OS just handed out on 127.0.0.1, free again once this returns, and not handed out before by this process.</summary>
    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (HandedOut.TryAdd(port, 0))
            {
                return port;
            }
        }
    }
}
