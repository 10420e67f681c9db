using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Pico.Gateway.Management.SampleHost.Api;
using Pico.Gateway.Management.SampleHost.Diagnostics;
using Pico.Gateway.Management.SampleHost.Hosting;
using Pico.Gateway.Management.SampleHost.Picoclaw;
using Pico.Gateway.Management.SampleHost.Security;

namespace Pico.Gateway.Management.SampleHost;

/// <summary>
/// The sample web host: the gateway manager configured for picoclaw, its picoclaw-compatible HTTP API and the dashboard.
/// Tests and tools run it in-process: <c>Build(["--urls", "http://127.0.0.1:0", ...])</c>, start it, and read the bound
/// address from <see cref="IServerAddressesFeature"/>.
/// </summary>
public static class SampleHostApp
{
    /// <summary>Builds the host from command-line arguments (any configuration key, e.g. <c>--Gateway:AutoStart=false</c>).</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <returns>The application, not yet started.</returns>
    /// <exception cref="InvalidOperationException">The host would listen on a non-loopback address and no access token is configured.</exception>
    public static WebApplication Build(string[] args) => Build(args, configure: null);

    /// <summary>Builds the host, letting the caller add configuration or services first (a test's clock, say).</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="configure">Runs right after the builder is created; services it registers win over the host's defaults.</param>
    /// <returns>The application, not yet started.</returns>
    /// <exception cref="InvalidOperationException">The host would listen on a non-loopback address and no access token is configured.</exception>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = DefaultContentRoot(args) });
        configure?.Invoke(builder);
        var configuration = builder.Configuration;

        var accessToken = new AccessToken(configuration[AccessToken.ConfigurationKey]);
        var loopbackHostsOnly = ConfigureListenSecurity(builder, accessToken);
        var proxies = ReverseProxySettings.FromConfiguration(configuration);

        var setup = PicoclawSetup.Create(configuration, AppContext.BaseDirectory);
        builder.Services.TryAddSingleton(setup);
        builder.Services.TryAddSingleton(accessToken);
        builder.Services.TryAddSingleton<EventStreamClients>();
        KestrelMemory.Apply(builder.Services);
        builder.Services.AddGatewayManagement(options =>
            {
                setup.ApplyDefaults(options, configuration);
                HostSettingsNotInherited.Apply(options);
            })
            .AddStartCondition<DefaultModelStartCondition>()
            .UseConfigurationFingerprint<DefaultModelFingerprint>()

            // A picoclaw gateway started from a shell or by systemd is shown and probed, not spawned over.
            .UseGatewayLocator<PicoclawPidFileLocator>();
        ConfigFollowingHealthProbe.Decorate(builder.Services, configuration, setup);

        // After the manager's own hosted service, so supervision has begun when the first change arrives.
        builder.Services.AddHostedService<ConfigFileWatcher>();
        builder.Services.TryAddSingleton<GatewayHistory>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<GatewayHistory>());

        // For load balancers and orchestrators: 200 when the gateway is running (or degraded: starting, restarting, stopped on purpose), 503 on error or a crash.
        builder.Services.AddHealthChecks().AddGatewayHealthCheck();

        if (accessToken.IsRequired)
        {
            TokenRedactingServer.Decorate(builder.Services);
        }

        var app = builder.Build();
        if (loopbackHostsOnly)
        {
            app.UseLoopbackHostNames();
        }

        // After the host-name check, which must see the Host the client sent, not one a forwarded header claims.
        if (proxies.TrustsForwardedHeaders)
        {
            app.UseForwardedHeaders(proxies.ToForwardedHeadersOptions());
        }

        app.UseSameOriginForStateChanges(proxies);
        app.UseAccessTokenCookie(accessToken);
        app.UseAccessToken(accessToken);
        var webRoot = new ManifestEmbeddedFileProvider(typeof(SampleHostApp).Assembly, "wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = webRoot });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = webRoot });
        app.MapGatewayApi();
        app.MapHealthChecks("/healthz");

        LogSetup(app, setup);
        return app;
    }

    /// <summary>
    /// Refuses a non-loopback binding without a token (anyone on the network could stop the gateway), and says whether to
    /// answer only loopback host names (a loopback binding and no <c>AllowedHosts</c>), so a DNS-rebinding page cannot pass as same-origin.
    /// </summary>
    private static bool ConfigureListenSecurity(WebApplicationBuilder builder, AccessToken accessToken)
    {
        var exposed = ListenAddresses.FromConfiguration(builder.Configuration).Where(url => !ListenAddresses.IsLoopback(url)).ToList();
        if (exposed.Count > 0 && !accessToken.IsRequired)
        {
            throw new InvalidOperationException(
                $"The sample host is configured to listen on {string.Join(", ", exposed)}, which is reachable from other machines, "
                + $"and no access token is set. Set {AccessToken.ConfigurationKey} (environment variable SampleHost__AccessToken) "
                + "to require 'Authorization: Bearer <token>' on every /api request, or listen on http://127.0.0.1 only.");
        }

        return exposed.Count == 0 && string.IsNullOrEmpty(builder.Configuration["AllowedHosts"]);
    }

    /// <summary>The host's own directory, where the build puts appsettings.json, unless a content root was given: the sample behaves the same from any working directory.</summary>
    private static string? DefaultContentRoot(string[] args)
    {
        var commandLine = new ConfigurationBuilder().AddCommandLine(args).Build();
        var given = commandLine[HostDefaults.ContentRootKey]
            ?? Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT")
            ?? Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT");
        return string.IsNullOrEmpty(given) ? AppContext.BaseDirectory : null;
    }

    private static void LogSetup(WebApplication app, PicoclawSetup setup)
    {
        var logger = SampleHostLog.Create(app.Services);
        if (setup.CreatedConfig)
        {
            SampleHostLog.DemoConfigCreated(logger, setup.ConfigPath);
        }
        else if (setup.CreateError is { } error)
        {
            SampleHostLog.DemoConfigNotCreated(logger, setup.ConfigPath, error);
        }

        SampleHostLog.UsingConfig(logger, setup.ConfigPath);
        if (setup.HealthUrlError is { } reason)
        {
            SampleHostLog.HealthUrlDefaulted(logger, reason, setup.HealthCheckUrl.AbsoluteUri);
        }

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            if (!logger.IsEnabled(LogLevel.Information))
            {
                return;
            }

            var options = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
            if (setup.Command.Source == "not found" && options.ExecutablePath == setup.Command.ExecutablePath)
            {
                SampleHostLog.GatewayNotFound(logger);
            }

            var arguments = string.Join(' ', options.Arguments);
            SampleHostLog.GatewayCommand(logger, options.ExecutablePath ?? string.Empty, arguments, options.HealthCheckUrl);
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
            {
                var dashboard = address.TrimEnd('/') + "/";
                SampleHostLog.DashboardListening(logger, dashboard);
            }
        });
    }
}
