namespace Pico.Gateway.Management.Health;

/// <summary>
/// A health check's HTTP answer as <see cref="KeptHttpConnection"/> read it. <see cref="Body"/> is the connection's own buffer:
/// valid until its next exchange.
/// </summary>
/// <param name="StatusCode">The status code.</param>
/// <param name="MediaType">The media type of <c>Content-Type</c>, without parameters; null without the field.</param>
/// <param name="Body">The body; empty when <see cref="TooLarge"/>.</param>
/// <param name="TooLarge">The body was longer than the probe reads; it was not read, and the connection is not kept.</param>
internal readonly record struct HttpAnswer(int StatusCode, string? MediaType, ReadOnlyMemory<byte> Body, bool TooLarge);
