using System.Runtime.InteropServices;

namespace Pico.Gateway.Management.Testing;

/// <summary>kill(2): the BCL can SIGKILL a process (<see cref="System.Diagnostics.Process.Kill()"/>) but not send it SIGTERM.</summary>
public static class PosixSignals
{
    /// <summary>SIGKILL.</summary>
    public const int SIGKILL = 9;

    /// <summary>SIGTERM.</summary>
    public const int SIGTERM = 15;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; throws when kill(2) fails.</summary>
    public static void Send(int pid, int signal)
    {
        if (kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
    }

    // DllImport, not LibraryImport: an int-only signature needs no marshalling code, and this project does not allow unsafe code.
    [DllImport("libc", SetLastError = true)]
#pragma warning disable SYSLIB1054, CA5392
    private static extern int kill(int pid, int signal);
#pragma warning restore SYSLIB1054, CA5392
}
