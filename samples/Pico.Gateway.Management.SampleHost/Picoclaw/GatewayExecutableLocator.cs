namespace Pico.Gateway.Management.SampleHost.Picoclaw;

/// <summary>
/// Finds the gateway program: <c>PICOCLAW_BINARY</c> if it names an existing file, else <c>picoclaw</c> beside the host,
/// else <c>picoclaw</c> on <c>PATH</c>, else the bundled demo gateway (its apphost, or its dll through <c>dotnet</c>).
/// </summary>
internal static class GatewayExecutableLocator
{
    public const string BinaryVariable = "PICOCLAW_BINARY";
    public const string DemoGatewayName = "Pico.Gateway.Management.DemoGateway";

    private static readonly string ExecutableSuffix = OperatingSystem.IsWindows() ? ".exe" : string.Empty;

    /// <param name="configuration">Supplies <c>PICOCLAW_BINARY</c>, <c>PATH</c> and <c>DOTNET_HOST_PATH</c> (the environment, or a test's values).</param>
    /// <param name="baseDirectory">The host's own directory.</param>
    public static GatewayCommand Locate(IConfiguration configuration, string baseDirectory)
    {
        if (configuration[BinaryVariable] is { Length: > 0 } binary && File.Exists(binary))
        {
            return new GatewayCommand(Path.GetFullPath(binary), [], BinaryVariable);
        }

        var besideHost = Path.Combine(baseDirectory, "picoclaw" + ExecutableSuffix);
        if (IsExecutableFile(besideHost))
        {
            return new GatewayCommand(besideHost, [], "beside the host");
        }

        if (FindOnPath(configuration["PATH"], "picoclaw" + ExecutableSuffix) is { } onPath)
        {
            return new GatewayCommand(onPath, [], "PATH");
        }

        var demoApphost = Path.Combine(baseDirectory, DemoGatewayName + ExecutableSuffix);
        if (IsExecutableFile(demoApphost))
        {
            return new GatewayCommand(demoApphost, [], "bundled demo gateway");
        }

        var demoAssembly = Path.Combine(baseDirectory, DemoGatewayName + ".dll");
        if (File.Exists(demoAssembly))
        {
            return new GatewayCommand(DotnetHost(configuration), [demoAssembly], "bundled demo gateway");
        }

        // Nothing found: the bare name fails at spawn with an error the status shows, instead of the host refusing to start.
        return new GatewayCommand("picoclaw", [], "not found");
    }

    private static string? FindOnPath(string? path, string fileName)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string candidate;
            try
            {
                candidate = Path.GetFullPath(Path.Combine(directory, fileName));
            }
            catch (ArgumentException)
            {
                continue;
            }

            if (IsExecutableFile(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & AnyExecute) != 0;
    }

    private static string DotnetHost(IConfiguration configuration)
    {
        if (Environment.ProcessPath is { } processPath
            && string.Equals(Path.GetFileNameWithoutExtension(processPath), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return processPath;
        }

        return configuration["DOTNET_HOST_PATH"] is { Length: > 0 } hostPath && File.Exists(hostPath) ? hostPath : "dotnet";
    }
}
