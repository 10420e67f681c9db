namespace Pico.Gateway.Management.DemoGateway;

internal sealed class ConfigurationException(string message, Exception? innerException = null)
    : Exception(message, innerException);
