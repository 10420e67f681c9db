using System.Net.Sockets;

namespace Pico.Gateway.Management.Health;

/// <summary>The <see cref="GatewayReadinessMode.Tcp"/> check: a connection to the gateway's port succeeds, and is closed at once.</summary>
internal static class TcpConnectProbe
{
    public static async ValueTask<HealthProbeResult> ProbeAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            return HealthProbeResult.Healthy();
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return HealthProbeResult.Unreachable("connection refused");
        }
        catch (SocketException ex)
        {
            return HealthProbeResult.Unreachable(ex.Message);
        }
    }

    /// <summary>The host and port to connect to: <see cref="GatewayReadinessOptions.TcpHost"/> and <see cref="GatewayReadinessOptions.TcpPort"/>, else the health URL's.</summary>
    public static (string Host, int Port) EndpointOf(GatewayOptions options, Uri healthUrl) =>
        (options.Readiness.TcpHost ?? healthUrl.IdnHost, options.Readiness.TcpPort ?? healthUrl.Port);
}
