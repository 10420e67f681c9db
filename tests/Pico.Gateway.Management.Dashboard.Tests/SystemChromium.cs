using Microsoft.Playwright;

namespace Pico.Gateway.Management.Dashboard.Tests;

/// <summary>
/// Launches the machine's own Chromium through Playwright. Browsers are never downloaded: CI installs Debian's
/// package (<c>apt-get install -y chromium</c>), and <c>CHROMIUM_PATH</c> points elsewhere on other machines.
/// </summary>
internal static class SystemChromium
{
    private const string DefaultPath = "/usr/bin/chromium";

    // The machine is offline: keep Chromium from phoning home (refused connections would only add noise).
    private static readonly string[] Arguments =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ];

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : DefaultPath;

    /// <summary>Launches a headless browser, or fails the test with what to install when there is no Chromium.</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        var path = ExecutablePath;
        Assert.True(
            File.Exists(path),
            $"Chromium was not found at {path}. The dashboard test drives the system browser and never downloads one: "
            + "install it (Debian/Ubuntu: `apt-get update && apt-get install -y chromium`) or set CHROMIUM_PATH.");

        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = path,
            Headless = true,
            Args = Arguments,
        });
    }
}
