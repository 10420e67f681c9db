using System.Globalization;

namespace Pico.Gateway.Management.Tests.Chaos;

/// <summary>One <c>STATE status pid adopted|spawned ownership | last error</c> line of a <see cref="ChaosHost"/>.</summary>
internal sealed record HostState(string Status, int? Pid, bool Adopted, string LastError)
{
    public static HostState Parse(string line)
    {
        var (fields, error) = line.Split(" | ", 2) is [var head, var tail] ? (head.Split(' '), tail) : (line.Split(' '), string.Empty);
        return new HostState(
            fields[1],
            fields[2] == "none" ? null : int.Parse(fields[2], CultureInfo.InvariantCulture),
            fields[3] == "adopted",
            error);
    }
}
