using Pico.Gateway.Management.Benchmarks.Infrastructure;
using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Benchmarks.Scenarios;

/// <summary>
/// The process layer with a stopwatch around it: how long each <see cref="IGatewayProcessLauncher.Start"/> took (the run's
/// containment, <c>posix_spawn</c> and the exit watcher's thread), so a start's answer can be set against its own spawn, in the
/// same start of the same run (issue 11: "start → response ≤ the spawn itself + 2 ms").
/// </summary>
internal sealed class TimingLauncher(IGatewayProcessLauncher inner) : IGatewayProcessLauncher
{
    /// <summary>Gets how long the last <see cref="Start"/> took, in milliseconds (NaN before any).</summary>
    public double LastStartMs { get; private set; } = double.NaN;

    public IGatewayProcess Start(GatewayProcessStartInfo startInfo, IGatewayOutputHandler output, bool held = false)
    {
        var before = Clock.Now();
        try
        {
            return inner.Start(startInfo, output, held);
        }
        finally
        {
            LastStartMs = Clock.Ms(Clock.Now() - before);
        }
    }

    public IGatewayProcess? AttachExternal(int processId, TimeProvider time) => inner.AttachExternal(processId, time);
}
