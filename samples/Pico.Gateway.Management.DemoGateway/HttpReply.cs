namespace Pico.Gateway.Management.DemoGateway;

internal readonly record struct HttpReply(int StatusCode, string JsonBody);
