using System.Runtime.InteropServices;

namespace Pico.Gateway.Management.Tests.Child;

internal sealed class ShutdownSignal : IDisposable
{
    private readonly TaskCompletionSource _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PosixSignalRegistration[] _registrations;

    private ShutdownSignal(bool ignoreTerm)
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, ignoreTerm ? Ignore : RequestShutdown),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, RequestShutdown),
        ];
    }

    public Task Requested => _requested.Task;

    public static ShutdownSignal ExitOnTerm() => new(ignoreTerm: false);

    // SIGINT still ends the program so it can be stopped by hand with Ctrl+C; a supervisor sends SIGTERM.
    public static ShutdownSignal IgnoreTerm() => new(ignoreTerm: true);

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    private void RequestShutdown(PosixSignalContext context)
    {
        context.Cancel = true;
        _requested.TrySetResult();
    }

    private static void Ignore(PosixSignalContext context)
    {
        context.Cancel = true;
        Console.Out.WriteLine($"IGNORED {context.Signal}");
    }
}
