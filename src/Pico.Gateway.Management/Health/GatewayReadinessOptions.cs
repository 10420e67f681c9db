namespace Pico.Gateway.Management;

/// <summary>
/// How the gateway tells it is ready, and how a running one is checked: bound from <c>Gateway:Readiness</c>. The defaults keep the
/// HTTP probe for both.
/// </summary>
public sealed class GatewayReadinessOptions
{
    /// <summary>Gets or sets what marks a starting gateway ready.</summary>
    /// <value>The default value is <see cref="GatewayReadinessMode.Http"/>.</value>
    public GatewayReadinessMode Mode { get; set; } = GatewayReadinessMode.Http;

    /// <summary>Gets or sets what checks a running gateway on the steady ticks.</summary>
    /// <value>The default value is <see cref="GatewayLivenessMode.Http"/>.</value>
    public GatewayLivenessMode Liveness { get; set; } = GatewayLivenessMode.Http;

    /// <summary>Gets or sets the host a <see cref="GatewayReadinessMode.Tcp"/> check connects to.</summary>
    /// <value>The default value is <see langword="null"/>: the host of <see cref="GatewayOptions.HealthCheckUrl"/>.</value>
    public string? TcpHost { get; set; }

    /// <summary>Gets or sets the port a <see cref="GatewayReadinessMode.Tcp"/> check connects to.</summary>
    /// <value>The default value is <see langword="null"/>: the port of <see cref="GatewayOptions.HealthCheckUrl"/>.</value>
    public int? TcpPort { get; set; }

    /// <summary>
    /// Gets or sets the regular expression a stdout or stderr line must match to mark the gateway ready
    /// (<see cref="GatewayReadinessMode.OutputLine"/>), e.g. <c>listening on</c>. Compiled once per run, matched with
    /// <see cref="OutputPatternTimeout"/>.
    /// </summary>
    /// <value>The default value is <see langword="null"/>; required for <see cref="GatewayReadinessMode.OutputLine"/>.</value>
    public string? OutputPattern { get; set; }

    /// <summary>Gets or sets how long one match of <see cref="OutputPattern"/> may take (a line that takes longer does not match).</summary>
    /// <value>The default value is 100 milliseconds.</value>
    public TimeSpan OutputPatternTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Gets or sets how long a <see cref="GatewayReadinessMode.Notify"/> gateway may go without sending <c>WATCHDOG=1</c>
    /// (passed to it as <c>WATCHDOG_USEC</c>) before it is reported hung, killed and restarted per
    /// <see cref="GatewayOptions.RestartPolicy"/>.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: no watchdog.</value>
    public TimeSpan? WatchdogTimeout { get; set; }
}
