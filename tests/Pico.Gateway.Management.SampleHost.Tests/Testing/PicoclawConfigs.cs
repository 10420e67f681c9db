using System.Globalization;

namespace Pico.Gateway.Management.SampleHost.Tests.Testing;

/// <summary>picoclaw config files for the tests, each with its gateway on the test's own port.</summary>
internal static class PicoclawConfigs
{
    /// <summary>A config whose default model passes every start condition. Every listed model has an API key.</summary>
    public static string Valid(int gatewayPort, string defaultModel = "demo", params string[] otherModels)
    {
        var models = string.Join(",\n", new[] { defaultModel }.Concat(otherModels).Distinct(StringComparer.Ordinal)
            .Select(name => $$"""    { "model_name": "{{name}}", "model": "demo/{{name}}", "api_key": "key-{{name}}" }"""));
        return WithGateway(gatewayPort, $$"""
            "agents": { "defaults": { "model_name": "{{defaultModel}}" } },
            "model_list": [
            {{models}}
            ]
            """);
    }

    /// <summary>A config with the given top-level members plus a gateway section on <paramref name="gatewayPort"/>.</summary>
    public static string WithGateway(int gatewayPort, string members) =>
        "{\n" + members.TrimEnd().TrimEnd(',') + (members.Trim().Length > 0 ? ",\n" : string.Empty)
        + string.Create(CultureInfo.InvariantCulture, $$"""  "gateway": { "host": "127.0.0.1", "port": {{gatewayPort}} }""") + "\n}\n";
}
