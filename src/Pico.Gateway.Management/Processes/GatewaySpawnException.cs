namespace Pico.Gateway.Management.Processes;

internal sealed class GatewaySpawnException : Exception
{
    public GatewaySpawnException()
    {
    }

    public GatewaySpawnException(string message)
        : base(message)
    {
    }

    public GatewaySpawnException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
