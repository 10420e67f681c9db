namespace Pico.Gateway.Management.Processes;

internal sealed record GatewayProcessStartInfo(
    string ExecutablePath,
    IReadOnlyList<string> Arguments,
    string? WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    int MaxLineLength)
{
    /// <summary>Whether <paramref name="other"/> would start the same program the same way (the collections compared by content).</summary>
    public bool IsSameLaunchAs(GatewayProcessStartInfo other) =>
        string.Equals(ExecutablePath, other.ExecutablePath, StringComparison.Ordinal)
        && string.Equals(WorkingDirectory, other.WorkingDirectory, StringComparison.Ordinal)
        && Arguments.SequenceEqual(other.Arguments, StringComparer.Ordinal)
        && Environment.Count == other.Environment.Count
        && Environment.All(pair => other.Environment.TryGetValue(pair.Key, out var value) && string.Equals(value, pair.Value, StringComparison.Ordinal));
}
