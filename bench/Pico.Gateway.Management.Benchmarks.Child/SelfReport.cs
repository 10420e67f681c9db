using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Pico.Gateway.Management.Benchmarks.Child;

/// <summary>
/// A gateway that says it is ready itself, for the push readiness modes: "ready" is stamped, then READY=1 goes to NOTIFY_SOCKET
/// (notify) or a line to stdout (ready-line); then it waits for SIGTERM. Nothing answers on any port. The same call is made once
/// before the stamp, so the interval measured is the supervisor's, not this process's first-call cost.
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
            // The first send pays for this process's own first call (JIT, the socket's setup: 3-10 ms measured), which is not the
            // supervisor's latency: a datagram the supervisor ignores (sd_notify's X_ prefix) goes first.
            socket.SendTo(Encoding.ASCII.GetBytes("X_BENCH=warm-up"), endPoint);
            // Stamped just before the send, written after it: the file append is not part of what is measured.
            var ready = Stamps.Now();
            socket.SendTo(datagram, endPoint);
            stamps.Write("ready", ready);
        }
        else
        {
            using var stdout = Console.OpenStandardOutput();
            var line = Encoding.ASCII.GetBytes("gateway ready\n");
            // As for notify: the first write pays for this process's first call (5-17 ms measured); a line that does not match goes first.
            stdout.Write(Encoding.ASCII.GetBytes("gateway starting\n"));
            stdout.Flush();
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
