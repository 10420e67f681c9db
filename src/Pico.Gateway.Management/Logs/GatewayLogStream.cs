namespace Pico.Gateway.Management;

/// <summary>The pipe a gateway log line came from.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It names which standard stream (stdout or stderr) a line came from.")]
public enum GatewayLogStream
{
    /// <summary>The gateway's standard output.</summary>
    StandardOutput = 1,

    /// <summary>The gateway's standard error.</summary>
    StandardError = 2,
}
