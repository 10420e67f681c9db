namespace Pico.Gateway.Management;

/// <summary>Receives every line the gateway writes to stdout or stderr.</summary>
/// <remarks>
/// <see cref="Write"/> is called on the line-splitting threads, concurrently for stdout and stderr, and must be thread-safe.
/// It must not block: while it runs, that stream's lines wait, and the pipe may not be read (small writes are split on the
/// thread that reads the pipe; only a burst is queued, up to 16 MiB), so a full pipe stalls the gateway's own writes.
/// A sink that does I/O should queue lines and write them elsewhere. An exception thrown by a sink is logged and
/// does not stop capture or reach other sinks.
/// </remarks>
public interface ILogSink
{
    /// <summary>Called just before each gateway process is spawned: the lines that follow are the new process's.</summary>
    void OnProcessStarting()
    {
    }

    /// <summary>Receives one line.</summary>
    /// <param name="line">The line.</param>
    void Write(in GatewayLogLine line);
}
