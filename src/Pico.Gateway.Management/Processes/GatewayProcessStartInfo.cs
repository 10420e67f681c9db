namespace Pico.Gateway.Management.Processes;

internal sealed record GatewayProcessStartInfo(
    string ExecutablePath,
    IReadOnlyList<string> Arguments,
    string? WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    int MaxLineLength)
{
    /// <summary>Gets how the run's process tree is contained (<see cref="GatewayOptions.Containment"/>).</summary>
    public GatewayContainmentMode Containment { get; init; }

    /// <summary>Gets the cgroup v2 directory under which the run's cgroup is created (<see cref="GatewayOptions.CgroupParent"/>).</summary>
    public string? CgroupParent { get; init; }

    /// <summary>Gets a value indicating whether the child starts with the host's variables (see <see cref="GatewayEnvironment"/>).</summary>
    public bool InheritEnvironment { get; init; } = true;

    /// <summary>Gets the host's variables the child does not inherit: names, or prefixes ending in <c>*</c>.</summary>
    public IReadOnlyList<string> EnvironmentRemove { get; init; } = [];

    /// <summary>
    /// Gets the base path of the output spool files (<see cref="SpoolCapture"/>), or null for pipes: with re-attach on (Linux), the
    /// pid file's path, so the gateway's output outlives its host.
    /// </summary>
    public string? OutputSpool { get; init; }

    /// <summary>
    /// Gets the base path a spare's spool files are staged at (<see cref="SpoolCapture.Staged"/>), beside the running gateway's,
    /// until they are renamed into place when the process is let run; null for every other spawn.
    /// </summary>
    public string? StagedSpool { get; init; }

    /// <summary>What to spawn, copied from the options so that a later change to them does not touch a spawn in progress.</summary>
    public static GatewayProcessStartInfo FromOptions(GatewayOptions options) =>
        new(
            options.ExecutablePath ?? throw new GatewaySpawnException("no executable is configured (ExecutablePath)"),
            [.. options.Arguments],
            options.WorkingDirectory,
            new Dictionary<string, string>(options.Environment, StringComparer.Ordinal),
            options.MaxLineLength)
        {
            InheritEnvironment = options.InheritEnvironment,
            EnvironmentRemove = [.. options.EnvironmentRemove],
            Containment = options.Containment,
            CgroupParent = options.CgroupParent,
            OutputSpool = OperatingSystem.IsLinux() && !string.IsNullOrEmpty(options.PidFilePath) ? Path.GetFullPath(options.PidFilePath) : null,
        };

    /// <summary>Whether <paramref name="other"/> would start the same program the same way (the collections compared by content).</summary>
    public bool IsSameLaunchAs(GatewayProcessStartInfo other) =>
        string.Equals(ExecutablePath, other.ExecutablePath, StringComparison.Ordinal)
        && string.Equals(WorkingDirectory, other.WorkingDirectory, StringComparison.Ordinal)
        && Arguments.SequenceEqual(other.Arguments, StringComparer.Ordinal)
        && InheritEnvironment == other.InheritEnvironment
        && Containment == other.Containment
        && string.Equals(CgroupParent, other.CgroupParent, StringComparison.Ordinal)
        && EnvironmentRemove.SequenceEqual(other.EnvironmentRemove, StringComparer.Ordinal)
        && Environment.Count == other.Environment.Count
        && Environment.All(pair => other.Environment.TryGetValue(pair.Key, out var value) && string.Equals(value, pair.Value, StringComparison.Ordinal));
}
