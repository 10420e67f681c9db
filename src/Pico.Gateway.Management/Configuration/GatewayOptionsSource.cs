using Microsoft.Extensions.Configuration;

namespace Pico.Gateway.Management.Configuration;

/// <summary>
/// Where one gateway's options are bound from: a configuration section, or none (options set only in code). <see cref="Path"/> is
/// the section's path, the prefix of every key an error message names.
/// </summary>
internal sealed class GatewayOptionsSource(IConfiguration? section, string path)
{
    public IConfiguration? Section { get; } = section;

    public string Path { get; } = path;

    public static GatewayOptionsSource From(IConfiguration section) =>
        new(section, section is IConfigurationSection { Path: var path } ? path : string.Empty);
}
