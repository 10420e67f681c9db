using System.Runtime.InteropServices;

namespace Pico.Gateway.Management.SampleHost.Tests.Testing;

/// <summary>kill(2): the BCL can SIGKILL a process (<see cref="System.Diagnostics.Process.Kill()"/>) but not send it SIGTERM.</summary>
internal static class PosixSignals
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    public static void Send(int pid, int signal)
    {
        if (kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
    }

    // DllImport, not LibraryImport: an int-only signature needs no marshalling code, and this project does not allow unsafe code.
    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
