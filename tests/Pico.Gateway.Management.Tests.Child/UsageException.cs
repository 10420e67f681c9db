namespace Pico.Gateway.Management.Tests.Child;

internal sealed class UsageException(string message) : Exception(message);
