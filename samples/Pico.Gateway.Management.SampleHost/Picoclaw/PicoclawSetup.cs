namespace Pico.Gateway.Management.SampleHost.Picoclaw;

/// <summary>What the host worked out about picoclaw when it was built: the config file and the gateway defaults derived from it.</summary>
internal sealed class PicoclawSetup
{
    public const string PidFileName = "pico-gateway-management.pid";

    /// <summary>The pid file picoclaw's gateway writes itself in picoclaw's home, however it was started.</summary>
    public const string GatewayPidFileName = ".picoclaw.pid";

    private readonly PicoclawConfigCache _config;

    private PicoclawSetup(string configPath, bool createdConfig, Exception? createError, GatewayCommand command, Uri healthCheckUrl, string? healthUrlError, string gatewayPidFile)
    {
        GatewayPidFile = gatewayPidFile;
        ConfigPath = configPath;
        _config = new PicoclawConfigCache(configPath);
        CreatedConfig = createdConfig;
        CreateError = createError;
        Command = command;
        HealthCheckUrl = healthCheckUrl;
        HealthUrlError = healthUrlError;
    }

    public string ConfigPath { get; }

    /// <summary>Gets picoclaw's own pid file (<c>~/.picoclaw/.picoclaw.pid</c>), through which a gateway started elsewhere is found.</summary>
    public string GatewayPidFile { get; }

    public bool CreatedConfig { get; }

    public Exception? CreateError { get; }

    public GatewayCommand Command { get; }

    public Uri HealthCheckUrl { get; }

    /// <summary>Gets why the health URL fell back to the default (an unreadable config at build time).</summary>
    public string? HealthUrlError { get; }

    /// <summary>Reads picoclaw's config, or returns it as last read when the file has not changed since.</summary>
    /// <exception cref="PicoclawConfigException">The file cannot be read or is not a valid config.</exception>
    public PicoclawConfig LoadConfig() => _config.Load();

    /// <summary>The config file or its directory changed: the next <see cref="LoadConfig"/> reads the file.</summary>
    public void ConfigChanged() => _config.Invalidate();

    /// <summary>Resolves the config path, creates the demo config if there is none, and derives the executable and health URL.</summary>
    public static PicoclawSetup Create(IConfiguration configuration, string baseDirectory)
    {
        var configPath = PicoclawPaths.ResolveConfigPath(configuration);
        var created = false;
        Exception? createError = null;
        try
        {
            created = DemoConfigFile.EnsureExists(configPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The host still starts: the start condition shows the missing config to the user.
            createError = ex;
        }

        var healthUrl = PicoclawConfig.Empty.GetHealthCheckUrl();
        string? healthUrlError = null;
        try
        {
            healthUrl = PicoclawConfig.Load(configPath).GetHealthCheckUrl();
        }
        catch (PicoclawConfigException ex)
        {
            healthUrlError = ex.Message;
        }

        return new PicoclawSetup(
            configPath,
            created,
            createError,
            GatewayExecutableLocator.Locate(configuration, baseDirectory),
            healthUrl,
            healthUrlError,
            Path.Combine(PicoclawPaths.ResolveHome(configuration), GatewayPidFileName));
    }

    /// <summary>Fills the gateway options the user left unconfigured (<c>Gateway:*</c> keys always win).</summary>
    public void ApplyDefaults(GatewayOptions options, IConfiguration configuration)
    {
        var section = configuration.GetSection(GatewayOptions.SectionName);
        if (string.IsNullOrWhiteSpace(section[nameof(GatewayOptions.ExecutablePath)]))
        {
            options.ExecutablePath = Command.ExecutablePath;
            for (var i = Command.LeadingArguments.Count - 1; i >= 0; i--)
            {
                options.Arguments.Insert(0, Command.LeadingArguments[i]);
            }
        }

        if (!section.GetSection(nameof(GatewayOptions.Arguments)).Exists())
        {
            options.Arguments.Add("gateway");
        }

        if (string.IsNullOrWhiteSpace(section[nameof(GatewayOptions.HealthCheckUrl)]))
        {
            options.HealthCheckUrl = HealthCheckUrl.AbsoluteUri;
        }

        // picoclaw's rule: healthy is HTTP 200 with a JSON object body, whose fields the dashboard shows.
        if (string.IsNullOrWhiteSpace(section[nameof(GatewayOptions.StrictHealthCheck)]))
        {
            options.StrictHealthCheck = true;
        }

        // The gateway must read the same file the host's start conditions read.
        options.Environment.TryAdd(PicoclawPaths.ConfigVariable, ConfigPath);

        // Beside the config it belongs to: a host restarted after a crash re-attaches to the gateway it left running instead of
        // starting a second one that cannot bind the port. An empty Gateway:PidFilePath turns it off.
        if (!section.GetSection(nameof(GatewayOptions.PidFilePath)).Exists())
        {
            options.PidFilePath = Path.Combine(Path.GetDirectoryName(ConfigPath)!, PidFileName);
        }
    }
}
