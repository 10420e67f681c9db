namespace Pico.Gateway.Management;

/// <summary>
/// How the gateway is started, probed and stopped. Bound from the configuration section <c>Gateway</c> (or the section given to
/// <c>AddGatewayManagement</c>); validated when the host starts.
/// </summary>
/// <remarks>
/// A duration is written as <c>[-][d.]hh:mm[:ss[.fffffff]]</c> (<see cref="TimeSpan.Parse(string, IFormatProvider)"/> with the
/// invariant culture): <c>00:00:05</c> is 5 seconds, <c>00:00:00.250</c> is 250 milliseconds, <c>00:05</c> is 5 minutes and
/// <c>1.00:00:00</c> one day. A bare whole number counts days (<c>5</c> is 5 days). An empty value keeps the default.
/// </remarks>
public sealed class GatewayOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Gateway";

    /// <summary>Gets or sets the gateway executable: a path, or a bare name looked up on <c>PATH</c>.</summary>
    /// <value>Required. The default value is <see langword="null"/>.</value>
    public string? ExecutablePath { get; set; }

    /// <summary>Gets the arguments passed to the executable, one per element (no shell quoting).</summary>
    /// <value>The default value is empty.</value>
    public IList<string> Arguments { get; } = [];

    /// <summary>Gets or sets the gateway's working directory.</summary>
    /// <value>The default value is <see langword="null"/>: the host's current directory.</value>
    public string? WorkingDirectory { get; set; }

    /// <summary>
    /// Gets the variables added to (or replacing those of) the environment the gateway inherits from the host. They are set after
    /// <see cref="EnvironmentRemove"/> is applied, so a variable named here always reaches the gateway.
    /// </summary>
    /// <value>The default value is empty.</value>
    public IDictionary<string, string> Environment { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets a value indicating whether the gateway starts with a copy of the host's environment variables. When
    /// <see langword="false"/>, it gets only <see cref="Environment"/>. A bare <see cref="ExecutablePath"/> is still looked up on the
    /// host's <c>PATH</c>; on Windows, a gateway without <c>SystemRoot</c> in <see cref="Environment"/> may fail to start.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool InheritEnvironment { get; set; } = true;

    /// <summary>
    /// Gets the host's variables the gateway does not inherit: an entry is a variable name, or a prefix when it ends in <c>*</c>
    /// (<c>SampleHost__*</c>). Names match ignoring case on every platform, as .NET configuration reads them, so
    /// <c>samplehost__accesstoken</c> is removed too. Keep the host's secrets (tokens, connection strings) from the gateway with it.
    /// </summary>
    /// <value>The default value is empty: the gateway inherits every variable of the host.</value>
    public IList<string> EnvironmentRemove { get; } = [];

    /// <summary>Gets or sets the URL the default health probe GETs.</summary>
    /// <value>The default value is <c>http://127.0.0.1:18790/health</c>.</value>
    public string HealthCheckUrl { get; set; } = "http://127.0.0.1:18790/health";

    /// <summary>
    /// Gets or sets a value indicating whether the default probe counts only HTTP 200 with a JSON object body as healthy (picoclaw's
    /// rule; the sample host turns it on). A 200 whose content type is not JSON then ends a start in <see cref="GatewayStatus.Error"/>
    /// at once, since it can never become healthy.
    /// </summary>
    /// <value>
    /// The default value is <see langword="false"/>: any 2xx is healthy, as Kubernetes' <c>httpGet</c> probe and Aspire count it; a
    /// JSON object body becomes <see cref="GatewayEvent.HealthDetails"/>, any other body <see cref="GatewayEvent.HealthText"/>.
    /// </value>
    public bool StrictHealthCheck { get; set; }

    /// <summary>
    /// Gets how a starting gateway tells it is ready (HTTP, TCP, <c>sd_notify</c> or an output line) and how a running one is
    /// checked; bound from <c>Gateway:Readiness</c>.
    /// </summary>
    /// <value>The default value probes <see cref="HealthCheckUrl"/> for both.</value>
    public GatewayReadinessOptions Readiness { get; } = new();

    /// <summary>
    /// Gets what the host may do with a gateway an <see cref="IGatewayLocator"/> found started elsewhere; bound from
    /// <c>Gateway:External</c>.
    /// </summary>
    /// <value>The default value refuses stop and restart and starts nothing when it goes away.</value>
    public ExternalGatewayOptions External { get; } = new();

    /// <summary>Gets or sets how often a running gateway is probed and the start conditions and fingerprint are re-evaluated.</summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Gets or sets the first wait between a starting gateway's probes; later waits are an eighth of the time it has spent
    /// starting, up to <see cref="HealthCheckInterval"/>, until it answers healthy. Around the time the previous spawn took to
    /// answer (from half to three halves of it) the gateway is probed densely instead: a 32nd of that window apart, at least a
    /// millisecond (fewer than 64 probes), so a gateway that starts as fast as last time, or a crash restart that starts faster or
    /// slower, is seen within a 32nd of that time after it answers (a millisecond for a gateway that starts in under 64 ms).
    /// </summary>
    /// <value>The default value is 5 milliseconds, so <see cref="GatewayStatus.Running"/> follows a quick gateway's first healthy answer closely.</value>
    public TimeSpan StartupProbeInterval { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Gets or sets how long one health probe may take before it counts as unreachable.</summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets how long a spawned gateway has to answer a healthy probe before the status becomes <see cref="GatewayStatus.Error"/>.</summary>
    /// <value>The default value is 15 seconds.</value>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets how long a gateway has to exit after the graceful termination signal before its process group is killed.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how long to wait for the exit after the kill before giving up on the process.</summary>
    /// <value>The default value is 3 seconds.</value>
    public TimeSpan KillTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Gets or sets how many lines the log ring buffer keeps.</summary>
    /// <value>The default value is 200.</value>
    public int LogCapacity { get; set; } = 200;

    /// <summary>Gets or sets the length, in characters, past which an output line is cut and marked with <see cref="GatewayLogLine.TruncationMarker"/>.</summary>
    /// <value>The default value is 65,536.</value>
    public int MaxLineLength { get; set; } = 64 * 1024;

    /// <summary>Gets or sets how many consecutive unreachable probes demote a running gateway to <see cref="GatewayStatus.Error"/>; 0 never demotes.</summary>
    /// <value>The default value is 0: a running gateway is not demoted by failed probes, only by an unhealthy answer.</value>
    public int UnhealthyThreshold { get; set; }

    /// <summary>Gets or sets what happens when the gateway exits without being asked to.</summary>
    /// <value>
    /// The default value is <see cref="GatewayRestartPolicy.OnFailure"/>: a crashed gateway comes back by itself (with backoff and a
    /// crash-loop limit), while one that exits cleanly stays down. <see cref="GatewayRestartPolicy.Never"/> reproduces picoclaw's own launcher,
    /// whose UI shows a crashed gateway as stopped.
    /// </value>
    public GatewayRestartPolicy RestartPolicy { get; set; } = GatewayRestartPolicy.OnFailure;

    /// <summary>Gets or sets the delay before the first crash restart; each further attempt doubles it, up to <see cref="RestartBackoffMax"/>.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan RestartBackoffBase { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest delay between crash restarts.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan RestartBackoffMax { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long the gateway must stay running for the backoff to start again from <see cref="RestartBackoffBase"/>.</summary>
    /// <value>The default value is 60 seconds.</value>
    public TimeSpan RestartResetAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how many unrequested exits within <see cref="CrashLoopWindow"/> stop the crash restarts with <see cref="GatewayStatus.Error"/>.</summary>
    /// <value>The default value is 5.</value>
    public int CrashLoopMaxExits { get; set; } = 5;

    /// <summary>Gets or sets the window in which <see cref="CrashLoopMaxExits"/> exits count as a crash loop.</summary>
    /// <value>The default value is 60 seconds.</value>
    public TimeSpan CrashLoopWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets or sets the file in which the manager records the gateway it spawns (pid, process start time, health URL), so that a host
    /// restarted after a crash re-attaches to the still-running gateway instead of spawning a second one.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: no pid file, no re-attach.</value>
    public string? PidFilePath { get; set; }

    /// <summary>Gets or sets a value indicating whether the hosted service starts the gateway when the host starts.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AutoStart { get; set; }

    /// <summary>
    /// Gets or sets how the gateway's process tree is contained, so that stop, a crash and host shutdown kill every process it
    /// started, including daemons that left its process group.
    /// </summary>
    /// <value>
    /// The default value is <see cref="GatewayContainmentMode.Auto"/>: a cgroup v2 per run where the host may create one,
    /// otherwise the tracked tree (Linux), otherwise the process group.
    /// </value>
    public GatewayContainmentMode Containment { get; set; } = GatewayContainmentMode.Auto;

    /// <summary>
    /// Gets or sets the cgroup v2 directory under which each run's cgroup is created, e.g. <c>/sys/fs/cgroup/pico.slice</c>
    /// (it must exist and be writable).
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the host's own cgroup, found through <c>/proc/self/cgroup</c>.</value>
    public string? CgroupParent { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether a healthy answer of the HTTP or TCP probe counts only when the socket listening on
    /// the probed port belongs to the gateway's own process tree (its cgroup, its cookie, its group or descendants), so that a
    /// stranger serving the port never makes the gateway look <see cref="GatewayStatus.Running"/>. Linux only; a port on another
    /// host cannot be checked and is not.
    /// </summary>
    /// <value>
    /// The default value is <see langword="true"/>. Turn it off only for a gateway whose port is served by a process it does not
    /// start itself, such as a <c>docker run -p</c> client whose port the Docker daemon's proxy holds.
    /// </value>
    public bool VerifyPortOwner { get; set; } = true;
}
