namespace Pico.Gateway.Management.AotSmoke;

/// <summary>Remembers whether the current gateway process has printed its "ready" line; shared by the sink that sees it and the probe that reports it.</summary>
internal sealed class ReadyLineSignal
{
    private volatile bool _ready;

    public string ReadyText { get; init; } = "gateway ready";

    public bool IsReady => _ready;

    public void Reset() => _ready = false;

    public void Observe(in GatewayLogLine line)
    {
        if (line.Stream == GatewayLogStream.StandardOutput && line.Text.Contains(ReadyText, StringComparison.Ordinal))
        {
            _ready = true;
        }
    }
}
