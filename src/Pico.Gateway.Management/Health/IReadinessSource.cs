using Pico.Gateway.Management.Supervision;

namespace Pico.Gateway.Management.Health;

/// <summary>
/// A readiness source the gateway pushes to (a notify socket, a ready line), one per run: nothing polls it. Created before the
/// spawn (its <see cref="Environment"/> reaches the gateway), attached once the process is known, disposed at the exit.
/// </summary>
internal interface IReadinessSource : IDisposable
{
    /// <summary>Gets the variables the gateway needs to report (<c>NOTIFY_SOCKET</c>, <c>WATCHDOG_USEC</c>).</summary>
    IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>Begins delivering <paramref name="run"/>'s signals to <paramref name="listener"/>.</summary>
    void Attach(ProcessRun run, IReadinessListener listener);
}
