using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Pico.Gateway.Management.Benchmarks.Child;

/// <summary>
/// A gateway that says it is ready itself, for the push readiness modes: "ready" is stamped, then READY=1 goes to NOTIFY_SOCKET
/// (notify) or a line to stdout (ready-line); then it waits for SIGTERM. Nothing answers on any port.
/// </summary>
internal static class SelfReport
{
    public static int Run(string how, Stamps stamps)
    {
        using var shutdown = new ManualResetEventSlim();
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Shutdown(context, shutdown));
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Shutdown(context, shutdown));
        if (how == "notify")
        {
            var address = Environment.GetEnvironmentVariable("NOTIFY_SOCKET") ?? throw new InvalidOperationException("NOTIFY_SOCKET is not set");
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            var endPoint = new UnixDomainSocketEndPoint(address[0] == '@' ? "\0" + address[1..] : address);
            var datagram = Encoding.ASCII.GetBytes("READY=1");
            // Stamped just before the send, written after it: the file append is not part of what is measured.
            var ready = Stamps.Now();
            socket.SendTo(datagram, endPoint);
            stamps.Write("ready", ready);
        }
        else
        {
            using var stdout = Console.OpenStandardOutput();
            var line = Encoding.ASCII.GetBytes("gateway ready\n");
            var ready = Stamps.Now();
            stdout.Write(line);
            stdout.Flush();
            stamps.Write("ready", ready);
        }

        shutdown.Wait();
        return 0;
    }

    private static void Shutdown(PosixSignalContext context, ManualResetEventSlim shutdown)
    {
        context.Cancel = true;
        shutdown.Set();
    }
}
