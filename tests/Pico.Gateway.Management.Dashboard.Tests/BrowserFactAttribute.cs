namespace Pico.Gateway.Management.Dashboard.Tests;

/// <summary>
/// A test that needs Chromium. <c>build/test.sh</c> sets <c>PICO_SKIP_BROWSER_TESTS</c> to its reason when it cannot install
/// Chromium (a non-root user on a machine without it), so only these tests are skipped, with that reason, instead of the
/// whole suite failing. Without the variable a missing browser fails the test with what to install.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
internal sealed class BrowserFactAttribute : FactAttribute
{
    public const string SkipVariable = "PICO_SKIP_BROWSER_TESTS";

    public BrowserFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(SkipVariable) is { Length: > 0 } reason)
        {
            Skip = $"browser test skipped: {reason}";
        }
    }
}
