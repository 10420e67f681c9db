using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pico.Gateway.Management.Processes.Containment;

/// <summary>
/// A random token put in the environment of one gateway run, which every descendant inherits unless it replaces its environment:
/// the process tree killer of Jenkins finds what a build left behind the same way. The variable holds a space-separated list, so a
/// host that itself runs under another supervisor's cookie passes both on and stays in its supervisor's tree.
/// </summary>
internal sealed class RunCookie
{
    public const string VariableName = "PICO_GATEWAY_RUN";

    private static readonly byte[] VariablePrefix = Encoding.ASCII.GetBytes(VariableName + "=");

    private readonly byte[] _token;

    private RunCookie(string value)
    {
        Value = value;
        _token = Encoding.ASCII.GetBytes(value);
    }

    public string Value { get; }

    public static RunCookie New() => new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));

    /// <summary>The cookie a pid file recorded, or null when <paramref name="value"/> is not one this class made (32 lower-case hex digits).</summary>
    public static RunCookie? TryParse(string? value) =>
        value is { Length: 32 } && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f') ? new RunCookie(value) : null;

    /// <summary>The variable's value for the gateway: the inherited tokens, if any, followed by this run's.</summary>
    public string AppendTo(string? inherited) => string.IsNullOrWhiteSpace(inherited) ? Value : inherited.TrimEnd() + " " + Value;

    /// <summary>Whether the process's environment (as it was at its last exec) carries this run's token.</summary>
    public bool IsCarriedBy(int pid)
    {
        byte[] environ;
        try
        {
            environ = File.ReadAllBytes($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/environ");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Gone, or not ours to read (another user's process cannot have been started by our gateway without a setuid exec).
            return false;
        }

        return IsCarriedIn(environ);
    }

    public bool IsCarriedIn(ReadOnlySpan<byte> environ)
    {
        foreach (var entry in environ.Split((byte)0))
        {
            var variable = environ[entry];
            if (!variable.StartsWith(VariablePrefix))
            {
                continue;
            }

            foreach (var token in variable[VariablePrefix.Length..].Split((byte)' '))
            {
                if (variable[VariablePrefix.Length..][token].SequenceEqual(_token))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
