namespace Pico.Gateway.Management.SampleHost.Security;

/// <summary>
/// Keeps the host's own settings, the access token above all, from the gateway: picoclaw is an AI agent that runs tools, and a child
/// inherits its parent's environment. Every spelling under which .NET configuration reads a <c>SampleHost:*</c> key from an
/// environment variable is removed (names match ignoring case): <c>SampleHost__AccessToken</c>, <c>SampleHost:AccessToken</c>, and
/// both with the <c>ASPNETCORE_</c> and <c>DOTNET_</c> prefixes the web host also reads.
/// </summary>
internal static class HostSettingsNotInherited
{
    public static IReadOnlyList<string> EnvironmentRemove { get; } =
        [
            .. from prefix in new[] { string.Empty, "ASPNETCORE_", "DOTNET_" }
               from separator in new[] { "__", ":" }
               select $"{prefix}SampleHost{separator}*",
        ];

    public static void Apply(GatewayOptions options)
    {
        foreach (var entry in EnvironmentRemove)
        {
            options.EnvironmentRemove.Add(entry);
        }
    }
}
