namespace Pico.Gateway.Management.Processes;

internal sealed record GatewayProcessStartInfo(
    string ExecutablePath,
    IReadOnlyList<string> Arguments,
    string? WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    int MaxLineLength)
{
    /// <summary>Gets a value indicating whether the child starts with the host's variables (see <see cref="GatewayEnvironment"/>).</summary>
    public bool InheritEnvironment { get; init; } = true;

    /// <summary>Gets the host's variables the child does not inherit: names, or prefixes ending in <c>*</c>.</summary>
    public IReadOnlyList<string> EnvironmentRemove { get; init; } = [];

    /// <summary>What to spawn, copied from the options so that a later change to them does not touch a spawn in progress.</summary>
    public static GatewayProcessStartInfo FromOptions(GatewayOptions options) =>
        new(
            options.ExecutablePath ?? throw new InvalidOperationException("Gateway:ExecutablePath is required."),
            [.. options.Arguments],
            options.WorkingDirectory,
            new Dictionary<string, string>(options.Environment, StringComparer.Ordinal),
            options.MaxLineLength)
        {
            InheritEnvironment = options.InheritEnvironment,
            EnvironmentRemove = [.. options.EnvironmentRemove],
        };
}
