namespace Pico.Gateway.Management.Tests.Child;

internal readonly record struct HttpReply(int StatusCode, string JsonBody);
