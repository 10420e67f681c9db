namespace Pico.Gateway.Management.SampleHost.Picoclaw;

/// <summary>
/// picoclaw's config file lookup: <c>PICOCLAW_CONFIG</c>, else <c>$PICOCLAW_HOME/config.json</c>, else <c>~/.picoclaw/config.json</c>.
/// The variables are read through <see cref="IConfiguration"/> (which includes the environment), so a test or a command line
/// can set them per host.
/// </summary>
internal static class PicoclawPaths
{
    public const string ConfigVariable = "PICOCLAW_CONFIG";
    public const string HomeVariable = "PICOCLAW_HOME";

    /// <summary>picoclaw's home (<c>PICOCLAW_HOME</c>, else <c>~/.picoclaw</c>), where its gateway writes <c>.picoclaw.pid</c>.</summary>
    public static string ResolveHome(IConfiguration configuration) =>
        Path.GetFullPath(configuration[HomeVariable] is { Length: > 0 } picoclawHome ? picoclawHome : Path.Combine(UserHome(configuration), ".picoclaw"));

    public static string ResolveConfigPath(IConfiguration configuration)
    {
        if (configuration[ConfigVariable] is { Length: > 0 } configPath)
        {
            return Path.GetFullPath(configPath);
        }

        return Path.Combine(ResolveHome(configuration), "config.json");
    }

    private static string UserHome(IConfiguration configuration)
    {
        var variable = OperatingSystem.IsWindows() ? "USERPROFILE" : "HOME";
        return configuration[variable] is { Length: > 0 } home
            ? home
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
    }
}
