namespace Pico.Gateway.Management.SampleHost.Picoclaw;

/// <summary>How to launch the gateway: the executable, the arguments that must precede picoclaw's own, and where it was found.</summary>
/// <param name="ExecutablePath">The program to run.</param>
/// <param name="LeadingArguments">Arguments before <c>gateway</c> (the demo's dll when it runs through <c>dotnet</c>).</param>
/// <param name="Source">Where it was found, for the startup log.</param>
internal sealed record GatewayCommand(string ExecutablePath, IReadOnlyList<string> LeadingArguments, string Source);
