namespace Pico.Gateway.Management.Benchmarks.Infrastructure;

/// <summary>
/// An independent witness of a process's exit: a thread blocked in poll() on a pidfd, which the kernel makes readable when the
/// process exits, whoever its parent is. Its stamp is the "gateway's own exit" every supervisor is measured from.
/// </summary>
internal sealed class ExitWatch
{
    private readonly TaskCompletionSource<long> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ExitWatch(int fd)
    {
        var thread = new Thread(() =>
        {
            try
            {
                _exited.TrySetResult(Native.WaitReadable(fd, 60_000) ? Clock.Now() : -1);
            }
            finally
            {
                _ = Native.close(fd);
            }
        })
        { IsBackground = true, Name = "exit watch" };
        thread.UnsafeStart();
    }

    public Task<long> Exited => _exited.Task;

    public static ExitWatch Start(int pid)
    {
        var fd = Native.pidfd_open(pid, 0);
        if (fd < 0)
        {
            throw new InvalidOperationException($"pidfd_open({pid}) failed: {System.Runtime.InteropServices.Marshal.GetLastPInvokeErrorMessage()}");
        }

        return new ExitWatch(fd);
    }

    public async Task<long> WaitAsync() => await Exited.WaitAsync(TimeSpan.FromSeconds(60));
}
