namespace Pico.Gateway.Management.Tests.Testing;

/// <summary>Runs code on a new thread that is not the thread pool's, as the manager's steady tick thread is.</summary>
internal static class OwnThread
{
    public static Task<T> RunAsync<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                done.TrySetResult(work());
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        })
        {
            IsBackground = true,
        };
        thread.Start();
        return done.Task.WaitAsync(TestTimeouts.Wait);
    }
}
