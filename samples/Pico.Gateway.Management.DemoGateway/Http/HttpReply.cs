namespace Pico.Gateway.Management.TinyHttp;

// AfterSent runs once the reply is on the wire, so a reply that ends the program still reaches the client.
internal readonly record struct HttpReply(int StatusCode, string JsonBody, Action? AfterSent = null, string ContentType = "application/json");
