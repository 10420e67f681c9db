namespace Pico.Gateway.Management;

/// <summary>
/// The gateway's recent stdout and stderr lines, as a reader sees them: a ring buffer of the current run with a running total
/// and a run id. Only the manager writes to it.
/// </summary>
public interface IGatewayLogs
{
    /// <summary>Gets how many lines are kept.</summary>
    int Capacity { get; }

    /// <summary>Gets the current run id: 0 before anything ran, then one more for each spawn and each <see cref="Clear"/>.</summary>
    long RunId { get; }

    /// <summary>Gets how many lines the current run has produced, including those already evicted from the buffer.</summary>
    long Total { get; }

    /// <summary>Reads the lines after <paramref name="offset"/> of run <paramref name="runId"/>.</summary>
    /// <param name="offset">How many lines of that run the caller has already seen.</param>
    /// <param name="runId">The run the offset belongs to: when it is not the current run, reading starts at 0.</param>
    /// <returns>The lines still buffered after the offset, the total and the current run id.</returns>
    GatewayLogPage Read(long offset, long runId);

    /// <summary>Empties the buffer and begins a new run.</summary>
    /// <returns>The new run id.</returns>
    long Clear();
}
