namespace Pico.Gateway.Management.Processes;

internal sealed record GatewayProcessStartInfo(
    string ExecutablePath,
    IReadOnlyList<string> Arguments,
    string? WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    int MaxLineLength);
