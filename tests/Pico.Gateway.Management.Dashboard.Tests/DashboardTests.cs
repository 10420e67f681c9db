using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Pico.Gateway.Management.Dashboard.Tests;

/// <summary>
/// End to end: the sample host's dashboard in a real browser, driving a real demo gateway. Every wait is one of
/// Playwright's retrying assertions with a timeout; nothing sleeps.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Slow)]
public sealed partial class DashboardTests
{
    // Covers a .NET child starting up and answering its first health probe on a busy two-core machine,
    // and the host noticing a config change on its next condition tick.
    private const float GatewayTimeoutMs = 30_000;

    // Everything else (a page load, an event stream message) is quick, but the machine may be busy.
    public DashboardTests() => SetDefaultExpectTimeout(15_000);

    [BrowserFact]
    public async Task Dashboard_starts_restarts_and_stops_the_gateway_and_follows_its_logs()
    {
        var pids = new List<int>();
        await using (var host = await SampleHostServer.StartAsync(defaultModel: "demo"))
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await SystemChromium.LaunchAsync(playwright);
            var (page, problems) = await OpenDashboardAsync(browser, host);

            var badge = page.Locator("#status-badge");
            var pid = page.Locator("#pid");
            var start = page.Locator("#start-button");
            var stop = page.Locator("#stop-button");
            var restart = page.Locator("#restart-button");
            var logPanel = page.Locator("#log-panel");
            var logLines = logPanel.Locator("> *");

            // Stopped: only Start is offered.
            await Expect(page.Locator("#connection")).ToHaveTextAsync("Live");
            await Expect(badge).ToHaveTextAsync("stopped");
            await Expect(start).ToBeEnabledAsync();
            await Expect(stop).ToBeDisabledAsync();
            await Expect(restart).ToBeDisabledAsync();
            await Expect(page.Locator("#start-reason")).ToBeHiddenAsync();

            // Start: the badge follows the event stream to running, the log panel follows the gateway's output.
            await start.ClickAsync();
            await Expect(badge).ToHaveTextAsync("running", new() { Timeout = GatewayTimeoutMs });
            await Expect(pid).ToHaveTextAsync(ProcessId());
            pids.Add(await ReadPidAsync(pid));
            await Expect(page.Locator("#owner-row")).ToBeHiddenAsync();
            await Expect(page.Locator("#boot-model")).ToHaveTextAsync("demo");
            await Expect(logPanel).ToContainTextAsync("listening on", new() { Timeout = GatewayTimeoutMs });
            var healthLine = logLines.Filter(new() { HasText = "GET /health" }).First;
            await Expect(healthLine).ToBeVisibleAsync(new() { Timeout = GatewayTimeoutMs });
            var firstRunLine = await healthLine.TextContentAsync();
            Assert.NotNull(firstRunLine);
            await Expect(start).ToBeDisabledAsync();
            await Expect(stop).ToBeEnabledAsync();
            await Expect(restart).ToBeEnabledAsync();
            await Expect(page.Locator("#restart-required")).ToBeHiddenAsync();

            // A config edit while running asks for a restart; restarting applies it and starts a new log run.
            await host.ChangeDefaultModelAsync("demo-large");
            await Expect(page.Locator("#restart-required")).ToBeVisibleAsync(new() { Timeout = GatewayTimeoutMs });
            await Expect(page.Locator("#config-model")).ToHaveTextAsync("demo-large");
            await page.ScreenshotAsync(new() { Path = ScreenshotPath("dashboard-running.png") });

            await restart.ClickAsync();
            await Expect(pid).Not.ToHaveTextAsync(pids[0].ToString(CultureInfo.InvariantCulture), new() { Timeout = GatewayTimeoutMs });
            await Expect(badge).ToHaveTextAsync("running", new() { Timeout = GatewayTimeoutMs });
            await Expect(pid).ToHaveTextAsync(ProcessId());
            pids.Add(await ReadPidAsync(pid));
            await Expect(page.Locator("#boot-model")).ToHaveTextAsync("demo-large");
            await Expect(page.Locator("#restart-required")).ToBeHiddenAsync();
            await Expect(logPanel).Not.ToContainTextAsync(firstRunLine, new() { Timeout = GatewayTimeoutMs });
            await Expect(logPanel).ToContainTextAsync("listening on", new() { Timeout = GatewayTimeoutMs });

            // Stop: back to stopped, the last run's output stays until it is cleared.
            await stop.ClickAsync();
            await Expect(badge).ToHaveTextAsync("stopped", new() { Timeout = GatewayTimeoutMs });
            await Expect(pid).ToHaveTextAsync("—");
            await Expect(start).ToBeEnabledAsync();
            await Expect(stop).ToBeDisabledAsync();
            await Expect(page.Locator("#last-exit")).ToBeVisibleAsync();
            await Expect(logLines.First).ToBeVisibleAsync();
            await page.ScreenshotAsync(new() { Path = ScreenshotPath("dashboard-stopped.png") });

            await page.Locator("#clear-logs-button").ClickAsync();
            await Expect(logLines).ToHaveCountAsync(0);
            await Expect(page.Locator("#log-empty")).ToBeVisibleAsync();

            Assert.Empty(problems);
        }

        // The host is gone, and so is every gateway it started.
        foreach (var gatewayPid in pids)
        {
            Assert.False(ProcessTable.IsAlive(gatewayPid), $"gateway process {gatewayPid} outlived the host");
        }
    }

    [BrowserFact]
    public async Task Dashboard_offers_stop_while_a_crash_restart_is_pending_and_stop_cancels_it()
    {
        // A long backoff holds the crash restart pending: that wait is the state under test.
        await using var host = await SampleHostServer.StartAsync(
            defaultModel: "demo",
            accessToken: null,
            "--Gateway:RestartPolicy=OnFailure",
            "--Gateway:RestartBackoffBase=00:05:00",
            "--Gateway:RestartBackoffMax=00:05:00");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await SystemChromium.LaunchAsync(playwright);
        var (page, problems) = await OpenDashboardAsync(browser, host);
        var badge = page.Locator("#status-badge");
        var pid = page.Locator("#pid");
        var stop = page.Locator("#stop-button");

        await page.Locator("#start-button").ClickAsync();
        await Expect(badge).ToHaveTextAsync("running", new() { Timeout = GatewayTimeoutMs });
        await Expect(pid).ToHaveTextAsync(ProcessId());
        var first = await ReadPidAsync(pid);

        // The first crash after a healthy run is restarted at once; the second waits out the (long) backoff.
        KillGateway(first);
        await Expect(pid).Not.ToHaveTextAsync(first.ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = GatewayTimeoutMs });
        await Expect(badge).ToHaveTextAsync("running", new() { Timeout = GatewayTimeoutMs });
        await Expect(pid).ToHaveTextAsync(ProcessId());
        KillGateway(await ReadPidAsync(pid));

        await Expect(badge).ToHaveTextAsync("restarting", new() { Timeout = GatewayTimeoutMs });
        await Expect(page.Locator("#next-restart-row")).ToBeVisibleAsync();
        await Expect(pid).ToHaveTextAsync("—");
        await Expect(stop).ToBeEnabledAsync();
        await page.ScreenshotAsync(new() { Path = ScreenshotPath("dashboard-crash-restart-pending.png") });

        await stop.ClickAsync();
        await Expect(badge).ToHaveTextAsync("stopped", new() { Timeout = GatewayTimeoutMs });
        await Expect(stop).ToBeDisabledAsync();
        await Expect(page.Locator("#start-button")).ToBeEnabledAsync();

        Assert.Empty(problems);
    }

    [BrowserFact]
    public async Task Dashboard_shows_a_gateway_started_elsewhere_and_why_stop_is_refused()
    {
        await using var host = await SampleHostServer.StartAsync(defaultModel: "demo");
        using var gateway = await host.StartHandStartedGatewayAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await SystemChromium.LaunchAsync(playwright);
        var (page, problems) = await OpenDashboardAsync(browser, host);

        // Found on the host's next tick: running, its pid, and who started it.
        await Expect(page.Locator("#status-badge")).ToHaveTextAsync("running", new() { Timeout = GatewayTimeoutMs });
        await Expect(page.Locator("#pid")).ToHaveTextAsync(gateway.Id.ToString(CultureInfo.InvariantCulture));
        await Expect(page.Locator("#owner")).ToHaveTextAsync(new Regex("^another program"));

        // A stop is refused with the host's reason, and the gateway keeps running.
        await page.Locator("#stop-button").ClickAsync();
        await Expect(page.Locator("#action-message")).ToContainTextAsync($"Refused: the gateway was started outside this host (pid {gateway.Id})");
        await Expect(page.Locator("#status-badge")).ToHaveTextAsync("running");
        await page.ScreenshotAsync(new() { Path = ScreenshotPath("dashboard-external.png") });
        Assert.False(gateway.HasExited);

        // The browser logs the refused request itself (a 409); nothing else may go wrong.
        Assert.All(problems, problem => Assert.Contains("status of 409", problem, StringComparison.Ordinal));
    }

    [BrowserFact]
    public async Task Dashboard_says_why_the_gateway_cannot_start()
    {
        await using var host = await SampleHostServer.StartAsync(defaultModel: null);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await SystemChromium.LaunchAsync(playwright);
        var (page, problems) = await OpenDashboardAsync(browser, host);

        await Expect(page.Locator("#status-badge")).ToHaveTextAsync("stopped");
        await Expect(page.Locator("#start-reason")).ToContainTextAsync("no default model configured", new() { Timeout = GatewayTimeoutMs });
        await Expect(page.Locator("#start-button")).ToHaveAttributeAsync("aria-describedby", "start-reason");
        await Expect(page.Locator(".actions + #start-reason")).ToBeVisibleAsync();
        await Expect(page.Locator("#start-button")).ToBeDisabledAsync();
        await Expect(page.Locator("#restart-button")).ToBeDisabledAsync();
        await page.ScreenshotAsync(new() { Path = ScreenshotPath("dashboard-start-blocked.png") });

        Assert.Empty(problems);
    }

    [BrowserFact]
    public async Task Dashboard_sends_the_access_token_from_its_address_and_says_when_it_is_missing()
    {
        await using var host = await SampleHostServer.StartAsync(accessToken: "s3cret token");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await SystemChromium.LaunchAsync(playwright);

        // Without the token the API answers 401 and the page says how to pass one.
        var (anonymous, _) = await OpenDashboardAsync(browser, host);
        await Expect(anonymous.Locator("#connection")).ToContainTextAsync("Not authorised", new() { Timeout = GatewayTimeoutMs });
        await Expect(anonymous.Locator("#start-button")).ToBeDisabledAsync();

        // With ?access_token= the stream and the API calls carry it, and it leaves the address bar.
        var (page, problems) = await OpenDashboardAsync(browser, host, "/?access_token=s3cret%20token");
        await Expect(page.Locator("#connection")).ToHaveTextAsync("Live");
        await Expect(page.Locator("#status-badge")).ToHaveTextAsync("stopped");
        await Expect(page).ToHaveURLAsync(host.BaseAddress.ToString());
        await page.Locator("#clear-logs-button").ClickAsync();
        await Expect(page.Locator("#log-count")).ToHaveTextAsync("0 lines");
        await Expect(page.Locator("#action-message")).ToBeHiddenAsync();

        Assert.Empty(problems);
    }

    [GeneratedRegex(@"^\d+$")]
    private static partial Regex ProcessId();

    /// <summary>Opens the dashboard in a new page, recording its problems from the first request on.</summary>
    private static async Task<(IPage Page, ConcurrentQueue<string> Problems)> OpenDashboardAsync(
        IBrowser browser, SampleHostServer host, string path = "/")
    {
        var page = await browser.NewPageAsync(new BrowserNewPageOptions
        {
            BaseURL = host.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1200, Height = 720 },
            ColorScheme = ColorScheme.Light,
        });
        var problems = RecordProblems(page);
        await page.GotoAsync(path);
        return (page, problems);
    }

    /// <summary>Collects script errors and console errors (a failed request for a page resource logs one).</summary>
    private static ConcurrentQueue<string> RecordProblems(IPage page)
    {
        var problems = new ConcurrentQueue<string>();
        page.PageError += (_, error) => problems.Enqueue($"page error: {error}");
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                problems.Enqueue($"console error: {message.Text}");
            }
        };
        return problems;
    }

    private static async Task<int> ReadPidAsync(ILocator pid) =>
        int.Parse((await pid.TextContentAsync())!, CultureInfo.InvariantCulture);

    /// <summary>SIGKILLs a gateway this test's host started: a crash the manager did not ask for.</summary>
    private static void KillGateway(int pid)
    {
        using var process = System.Diagnostics.Process.GetProcessById(pid);
        process.Kill();
    }

    private static string ScreenshotPath(string name) =>
        Path.Combine(AppContext.BaseDirectory, "screenshots", name);

    /// <summary>
    /// With <c>UPDATE_DOCS_SCREENSHOT=1</c>, copies a screenshot to the repository's <c>docs/dashboard.png</c>
    /// (the README shows it). Off by default, so a test run never modifies the working tree.
    /// </summary>
    private static void PublishScreenshotForDocs(string name)
    {
        if (Environment.GetEnvironmentVariable("UPDATE_DOCS_SCREENSHOT") != "1")
        {
            return;
        }

        var repository = new DirectoryInfo(AppContext.BaseDirectory);
        while (repository is not null && !File.Exists(Path.Combine(repository.FullName, "Pico.Gateway.Management.sln")))
        {
            repository = repository.Parent;
        }

        Assert.NotNull(repository);
        var docs = Directory.CreateDirectory(Path.Combine(repository.FullName, "docs"));
        File.Copy(ScreenshotPath(name), Path.Combine(docs.FullName, "dashboard.png"), overwrite: true);
    }
}
