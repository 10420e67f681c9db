using System.Text;
using Pico.Gateway.Management.SampleHost.Picoclaw;

namespace Pico.Gateway.Management.SampleHost.Tests.Picoclaw;

public sealed class DefaultModelFingerprintTests
{
    private const string Base = """
        {
          "agents": { "defaults": { "model_name": "main" } },
          "model_list": [
            { "model_name": "main", "model": "openai/gpt-4o", "api_base": "https://api.example/v1", "auth_method": "", "api_key": "sk-secret-1" },
            { "model_name": "other", "model": "openai/gpt-4o-mini", "api_key": "sk-other" }
          ],
          "gateway": { "host": "127.0.0.1", "port": 18790 }
        }
        """;

    public static TheoryData<string, string> RestartRelevantEdits => new()
    {
        { "default model name", Base.Replace("\"model_name\": \"main\" }", "\"model_name\": \"other\" }", StringComparison.Ordinal) },
        { "model", Base.Replace("openai/gpt-4o\"", "openai/gpt-5\"", StringComparison.Ordinal) },
        { "api_base", Base.Replace("https://api.example/v1", "https://api.example/v2", StringComparison.Ordinal) },
        { "auth_method", Base.Replace("\"auth_method\": \"\"", "\"auth_method\": \"oauth\"", StringComparison.Ordinal) },
        { "api_key", Base.Replace("sk-secret-1", "sk-secret-2", StringComparison.Ordinal) },
        { "api_key removed", Base.Replace("sk-secret-1", string.Empty, StringComparison.Ordinal) },
        { "gateway host", Base.Replace("\"host\": \"127.0.0.1\"", "\"host\": \"0.0.0.0\"", StringComparison.Ordinal) },
        { "gateway port", Base.Replace("18790", "18791", StringComparison.Ordinal) },
    };

    [Theory]
    [MemberData(nameof(RestartRelevantEdits))]
    public void An_edit_picoclaw_restarts_for_changes_the_fingerprint(string what, string edited)
    {
        Assert.NotEqual(Base, edited);
        Assert.True(Fingerprint(Base) != Fingerprint(edited), $"an edit of the {what} must change the fingerprint");
    }

    [Fact]
    public void Edits_outside_the_default_model_and_the_gateway_address_keep_the_fingerprint()
    {
        var edited = Base.Replace("sk-other", "sk-other-2", StringComparison.Ordinal).Replace("gpt-4o-mini", "gpt-4.1-mini", StringComparison.Ordinal);

        Assert.Equal(Fingerprint(Base), Fingerprint(edited));
    }

    [Fact]
    public void The_fingerprint_shows_the_model_name_and_never_the_api_key()
    {
        var fingerprint = Fingerprint(Base)!;

        Assert.DoesNotContain("sk-secret-1", fingerprint, StringComparison.Ordinal);
        Assert.Equal("main", DefaultModelFingerprint.ModelName(fingerprint));
        Assert.Matches("^main \\(sha256:[0-9a-f]{16}\\)$", fingerprint);
    }

    [Fact]
    public void No_default_model_has_no_fingerprint() =>
        Assert.Null(Fingerprint("""{ "agents": { "defaults": {} } }"""));

    private static string? Fingerprint(string json) => DefaultModelFingerprint.Of(PicoclawConfig.Parse(Encoding.UTF8.GetBytes(json)));
}
