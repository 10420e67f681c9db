namespace Pico.Gateway.Management.Supervision;

/// <summary>A crash restart that is due after <see cref="Delay"/>; its timer belongs to <see cref="CrashRestartScheduler"/>.</summary>
internal sealed class PendingRestart(int attempt, TimeSpan delay)
{
    public int Attempt { get; } = attempt;

    public TimeSpan Delay { get; } = delay;

    public ITimer? Timer { get; set; }
}
