namespace Pico.Gateway.Management.Processes;

internal interface IGatewayProcess : IDisposable
{
    int Id { get; }

    /// <summary>Completes from the operating system's exit notification, after the rest of the process group was killed.</summary>
    Task<GatewayProcessExit> Exited { get; }

    /// <summary>Completes when both output pipes reached end of file: nothing more can be read.</summary>
    Task OutputClosed { get; }

    /// <summary>Completes after <see cref="OutputClosed"/>, once every line read went to the handler.</summary>
    Task OutputCompleted { get; }

    /// <summary>Asks the whole process group to terminate gracefully (SIGTERM).</summary>
    void SignalTerminate();

    /// <summary>Kills the whole process group (SIGKILL).</summary>
    void Kill();
}
