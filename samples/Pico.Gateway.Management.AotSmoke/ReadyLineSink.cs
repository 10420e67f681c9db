namespace Pico.Gateway.Management.AotSmoke;

/// <summary>Watches stdout for the ready line. Cheap and non-blocking, as a sink must be.</summary>
internal sealed class ReadyLineSink(ReadyLineSignal signal) : ILogSink
{
    // A new process has not said it is ready yet, whatever the previous one said.
    public void OnProcessStarting() => signal.Reset();

    public void Write(in GatewayLogLine line) => signal.Observe(line);
}
