using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Pico.Gateway.Management.Dashboard.Tests;

/// <summary>The dashboard as a place to look: the state strip, uptime and counts, stderr apart, follow/pause and the filter.</summary>
public sealed partial class DashboardTests
{
    private const string StderrLine = "warning: the demo gateway answers with canned replies";

    [BrowserFact]
    public async Task Dashboard_draws_the_state_history_with_the_crash_and_restart_and_marks_stderr_lines()
    {
        // The demo gateway behind a shell that writes one line to stderr first: the demo gateway itself writes stderr only on failure.
        await using var host = await SampleHostServer.StartAsync(
            defaultModel: "demo",
            accessToken: null,
            "--Gateway:RestartPolicy=OnFailure",
            "--Gateway:HealthCheckInterval=00:00:01",
            "--Gateway:ExecutablePath=/bin/sh",
            "--Gateway:Arguments:0=-c",
            $"--Gateway:Arguments:1=echo '{StderrLine}' >&2; exec \"$0\" gateway",
            $"--Gateway:Arguments:2={SampleHostProcess.DemoGatewayBesideTests}");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await SystemChromium.LaunchAsync(playwright);
        var (page, problems) = await OpenDashboardAsync(browser, host);
        var badge = page.Locator("#status-badge");
        var pid = page.Locator("#pid");
        var logPanel = page.Locator("#log-panel");
        var timeline = page.Locator("#timeline");

        await Expect(page.Locator("#connection")).ToHaveTextAsync("Live");
        await Expect(timeline.Locator("rect.band[data-state='stopped']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#uptime")).ToHaveTextAsync("—");

        await page.Locator("#start-button").ClickAsync();
        await Expect(badge).ToHaveTextAsync("running", new() { Timeout = GatewayTimeoutMs });
        await Expect(pid).ToHaveTextAsync(ProcessId());
        var firstPid = await ReadPidAsync(pid);
        await Expect(logPanel.Locator(".log-line-stderr")).ToHaveTextAsync(StderrLine, new() { Timeout = GatewayTimeoutMs });
        await Expect(logPanel).ToContainTextAsync("GET /health", new() { Timeout = GatewayTimeoutMs });
        await Expect(logPanel.Locator(".log-line-stderr")).ToHaveCountAsync(1);

        // A crash: the first crash restart after a healthy run is immediate, so the strip shows a crash, a restart and two runs.
        KillGateway(firstPid);
        await Expect(pid).Not.ToHaveTextAsync(firstPid.ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = GatewayTimeoutMs });
        await Expect(badge).ToHaveTextAsync("running", new() { Timeout = GatewayTimeoutMs });
        await Expect(pid).ToHaveTextAsync(ProcessId());
        await Expect(timeline.Locator("[data-mark='crash']")).ToHaveCountAsync(1);
        await Expect(timeline.Locator("[data-mark='restart']")).ToHaveCountAsync(1);
        await Expect(timeline.Locator("rect.band[data-state='running']")).ToHaveCountAsync(2);
        await Expect(page.Locator("#restart-count")).ToHaveTextAsync("1");
        await Expect(page.Locator("#crash-count")).ToHaveTextAsync("1");
        await Expect(page.Locator("#uptime")).ToHaveTextAsync(Uptime());
        await Expect(logPanel.Locator(".log-line-stderr")).ToHaveTextAsync(StderrLine, new() { Timeout = GatewayTimeoutMs });
        await Expect(logPanel).ToContainTextAsync("GET /health", new() { Timeout = GatewayTimeoutMs });

        // Pause: the view holds still while the gateway keeps writing (a health probe line a second), and says how much waits.
        var follow = page.Locator("#follow-button");
        await follow.ClickAsync();
        await Expect(follow).ToHaveAttributeAsync("aria-pressed", "false");
        var held = await logPanel.Locator(".log-line").CountAsync();
        await Expect(follow).ToHaveTextAsync(HeldLines(), new() { Timeout = GatewayTimeoutMs });
        await Expect(logPanel.Locator(".log-line")).ToHaveCountAsync(held);
        await follow.ClickAsync();
        await Expect(follow).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(follow).ToHaveTextAsync("Pause");
        Assert.True(await logPanel.Locator(".log-line").CountAsync() > held, "following again shows the lines written while paused");

        // The filter hides what does not match, new lines included, and says how many are shown.
        await page.Locator("#log-filter").FillAsync("canned");
        await Expect(logPanel.Locator(".log-line:visible")).ToHaveCountAsync(1);
        await Expect(logPanel.Locator(".log-line:visible")).ToHaveTextAsync(StderrLine);
        await Expect(page.Locator("#log-shown")).ToHaveTextAsync(new Regex(@"^1 of \d+ shown$"));
        await page.Locator("#log-filter").FillAsync(string.Empty);
        await Expect(page.Locator("#log-shown")).ToBeHiddenAsync();
        await page.ScreenshotAsync(new() { Path = ScreenshotPath("dashboard-history.png"), FullPage = true });

        Assert.Empty(problems);
        PublishScreenshotForDocs("dashboard-history.png");
    }

    [GeneratedRegex(@"^\d+ s$|^\d+ min( \d+ s)?$")]
    private static partial Regex Uptime();

    [GeneratedRegex(@"^Follow \(\d+ new\)$")]
    private static partial Regex HeldLines();
}
