namespace Pico.Gateway.Management.SampleHost.Tests.Fuzz;

/// <summary>How a fuzz case reaches the host.</summary>
internal enum FuzzTransport
{
    /// <summary>A well-formed request through <see cref="HttpClient"/> (pooled connections, keep-alive).</summary>
    HttpClient,

    /// <summary>Bytes written to a fresh socket, well-formed or not, then the answer read back.</summary>
    Raw,

    /// <summary>Part of a request written to a fresh socket, then the connection dropped (reset or closed) without reading.</summary>
    RawAborted,

    /// <summary>An event-stream subscription: the first message read, then the connection parked unread, reset, half-closed or closed.</summary>
    EventStream,
}

/// <summary>What an event-stream client does once it has read the first message.</summary>
internal enum StreamEnding
{
    /// <summary>Stops reading but keeps the connection open until the storm is over (a frozen browser tab).</summary>
    Park,

    /// <summary>Resets the connection (RST).</summary>
    Reset,

    /// <summary>Shuts down its sending side and parks the rest (half-open).</summary>
    HalfClose,

    /// <summary>Closes the connection normally.</summary>
    Close,
}

/// <summary>One generated request and what may be concluded from its answer.</summary>
internal sealed record FuzzCase
{
    public required FuzzTransport Transport { get; init; }

    /// <summary>Gets the method as sent (any token, valid or not).</summary>
    public required string Method { get; init; }

    /// <summary>Gets the request target as sent: path and query.</summary>
    public required string Target { get; init; }

    /// <summary>Gets the headers for <see cref="FuzzTransport.HttpClient"/>; raw cases carry them inside <see cref="Raw"/>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public byte[] Body { get; init; } = [];

    /// <summary>Gets the bytes a raw case writes.</summary>
    public byte[] Raw { get; init; } = [];

    /// <summary>Gets how many bytes of <see cref="Raw"/> an aborted case writes before it drops the connection.</summary>
    public int AbortAfter { get; init; }

    /// <summary>Gets a value indicating whether an aborted case resets (RST) rather than closes (FIN).</summary>
    public bool AbortWithReset { get; init; }

    public StreamEnding StreamEnding { get; init; }

    /// <summary>Gets a value indicating whether the request carries an Origin that is certainly not the server's own.</summary>
    public bool ForeignOrigin { get; init; }

    /// <summary>Gets a value indicating whether the request is well-formed and complete, so the host must answer it.</summary>
    public bool MustBeAnswered { get; init; }

    /// <summary>Gets a short description for failure messages (long targets cut).</summary>
    public string Describe() =>
        $"{Transport} {Shorten(Method)} {Shorten(Target)}{(ForeignOrigin ? " (foreign Origin)" : string.Empty)}";

    private static string Shorten(string text) => text.Length <= 120 ? text : $"{text[..120]}…({text.Length} chars)";
}
