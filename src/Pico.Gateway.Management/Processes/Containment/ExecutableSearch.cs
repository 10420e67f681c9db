namespace Pico.Gateway.Management.Processes.Containment;

/// <summary>
/// Resolves the gateway executable the way posix_spawnp would (a path with a slash against the host's directory, a bare name on the
/// host's PATH), for when something else execs it: the trampoline (GatewayTrampoline). The lookup happens here, in the host, so a
/// missing executable is still a spawn error and not an exit of the trampoline, and a PATH the gateway's environment overrides does
/// not change which program runs.
/// </summary>
internal static class ExecutableSearch
{
    private const string DefaultPath = "/bin:/usr/bin";

    public static string Resolve(string path)
    {
        if (path.Contains('/', StringComparison.Ordinal))
        {
            var full = Path.GetFullPath(path);
            return Check(full) switch
            {
                null => full,
                var error => throw new GatewaySpawnException($"could not start '{path}': {error}"),
            };
        }

        string? firstError = null;
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? DefaultPath).Split(':'))
        {
            // An empty entry means the current directory, as for execvp.
            var candidate = Path.Combine(directory.Length == 0 ? "." : directory, path);
            var error = Check(candidate);
            if (error is null)
            {
                return Path.GetFullPath(candidate);
            }

            if (error != NotFound)
            {
                firstError ??= error;
            }
        }

        throw new GatewaySpawnException($"could not start '{path}': {firstError ?? NotFound}");
    }

    private const string NotFound = "No such file or directory";

    private static string? Check(string candidate)
    {
        if (Directory.Exists(candidate))
        {
            return "Permission denied";
        }

        if (!File.Exists(candidate))
        {
            return NotFound;
        }

        return LibC.access(candidate, LibC.X_OK) == 0 ? null : "Permission denied";
    }
}
