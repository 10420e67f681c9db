using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;

namespace Pico.Gateway.Management.Health;

/// <summary>
/// One run's private <c>sd_notify</c> socket: a <c>SOCK_DGRAM</c> unix socket in the abstract namespace (no file to clean up or
/// to race for) under a random name, with <c>SO_PASSCRED</c> so that the kernel stamps every datagram with its sender's pid,
/// which the caller checks against the gateway's tree: a name can be guessed, a pid cannot be forged.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed partial class NotifySocket : IDisposable
{
    private const int SolSocket = 1;
    private const int SoPasscred = 16;
    private const int ScmCredentials = 2;
    private const int MaxDatagram = 4096;
    private const int ControlSize = 64;
    private const int EAGAIN = 11;
    private const int EINTR = 4;

    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[MaxDatagram];

    public NotifySocket()
    {
        var name = "pico-notify-" + Guid.NewGuid().ToString("N");
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            _socket.SetRawSocketOption(SolSocket, SoPasscred, BitConverter.GetBytes(1));
            _socket.Bind(new UnixDomainSocketEndPoint("\0" + name));
        }
        catch
        {
            _socket.Dispose();
            throw;
        }

        // sd_notify's convention: a leading '@' names an abstract socket.
        Address = "@" + name;
    }

    /// <summary>Gets the value of <c>NOTIFY_SOCKET</c> for the gateway.</summary>
    public string Address { get; }

    /// <summary>Waits for the next datagram and returns its text and its sender's pid (0 when the kernel gave none).</summary>
    public async ValueTask<(string Text, int SenderPid)> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            // The BCL waits (epoll) without reading; recvmsg then reads the datagram with its credentials, which the BCL cannot.
            await _socket.ReceiveAsync(new byte[1], SocketFlags.Peek, cancellationToken).ConfigureAwait(false);
            if (TryReceive(out var text, out var pid))
            {
                return (text, pid);
            }
        }
    }

    public void Dispose() => _socket.Dispose();

    private unsafe bool TryReceive(out string text, out int senderPid)
    {
        text = string.Empty;
        senderPid = 0;
        var control = stackalloc byte[ControlSize];
        fixed (byte* buffer = _buffer)
        {
            var vector = new IoVector { Base = buffer, Length = MaxDatagram };
            var header = new MessageHeader { Vectors = &vector, VectorCount = 1, Control = control, ControlLength = ControlSize };
            nint received;
            var handle = _socket.SafeHandle;
            var added = false;
            handle.DangerousAddRef(ref added);
            try
            {
                received = recvmsg((int)handle.DangerousGetHandle(), &header, 0x40 /* MSG_DONTWAIT */);
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }

            if (received < 0)
            {
                var error = Marshal.GetLastPInvokeError();
                if (error is EAGAIN or EINTR)
                {
                    return false;
                }

                throw new SocketException(error);
            }

            text = Encoding.UTF8.GetString(buffer, (int)received);
            senderPid = CredentialsPid(control, (long)header.ControlLength);
            return true;
        }
    }

    private static unsafe int CredentialsPid(byte* control, long length)
    {
        // struct cmsghdr { size_t len; int level; int type; } followed by struct ucred { pid_t pid; uid_t uid; gid_t gid; }, 8-aligned.
        var headerSize = sizeof(nuint) + 8;
        var offset = 0L;
        while (offset + headerSize <= length)
        {
            var messageLength = (long)*(nuint*)(control + offset);
            var level = *(int*)(control + offset + sizeof(nuint));
            var type = *(int*)(control + offset + sizeof(nuint) + 4);
            if (messageLength < headerSize)
            {
                return 0;
            }

            if (level == SolSocket && type == ScmCredentials && messageLength >= headerSize + 12)
            {
                return *(int*)(control + offset + headerSize);
            }

            offset += (messageLength + sizeof(nuint) - 1) & ~(sizeof(nuint) - 1);
        }

        return 0;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint recvmsg(int socket, MessageHeader* message, int flags);

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVector* Vectors;
        public nuint VectorCount;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }
}
