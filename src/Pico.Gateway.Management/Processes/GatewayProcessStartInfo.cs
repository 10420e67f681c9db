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
}
