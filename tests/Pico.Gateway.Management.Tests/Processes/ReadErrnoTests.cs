using System.Runtime.InteropServices;
using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Tests.Processes;

/// <summary>
/// A pipe reader decides what a failed read means from its errno, after giving the buffer back, which may unmap one: the saved
/// errno must be the read's, taken with it, or an interrupted (or, non-blocking, a would-block) read looks like an error that
/// ends the reader and loses what the gateway writes next.
/// </summary>
public sealed unsafe class ReadErrnoTests
{
    [Fact]
    public void A_would_block_read_keeps_its_errno_through_an_unmap_that_replaces_the_saved_one()
    {
        var fds = stackalloc int[2];
        Assert.Equal(0, LibC.pipe2(fds, LibC.O_NONBLOCK | LibC.O_CLOEXEC));
        var buffer = stackalloc byte[16];
        try
        {
            var count = LibC.Read(fds[0], buffer, 16, out var error);

            // What the reader does next when the pipe is empty: give back a chunk, which may munmap it.
            var mapped = LibC.mmap(0, 4096, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS, -1, 0);
            Assert.Equal(0, LibC.munmap(mapped, 4096));

            Assert.Equal((-1, LibC.ReadWouldBlock), ((int)count, error));
            Assert.Equal(0, Marshal.GetLastPInvokeError());

            buffer[0] = (byte)'x';
            Assert.Equal(1, (int)LibC.write(fds[1], buffer, 1));
            Assert.Equal((1, 0), ((int)LibC.Read(fds[0], buffer, 16, out var none), none));
        }
        finally
        {
            _ = LibC.close(fds[0]);
            _ = LibC.close(fds[1]);
        }
    }
}
