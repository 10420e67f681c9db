namespace Pico.Gateway.Management.Testing;

/// <summary>
/// "Something changed, look again": the writer changes its state, then calls <see cref="Pulse"/>; a waiter re-checks its
/// condition after every pulse until it holds or the guard passes. Nothing polls and nothing waits a fixed time.
/// </summary>
/// <remarks>
/// A waiter takes <see cref="Changed"/> <em>before</em> it checks its condition, so a change that lands between the check and
/// the await still wakes it. Continuations run asynchronously: <see cref="Pulse"/> may be called under the writer's own lock.
/// </remarks>
public sealed class ChangeSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets a task that completes at the next <see cref="Pulse"/>.</summary>
    public Task Changed
    {
        get
        {
            lock (_gate)
            {
                return _changed.Task;
            }
        }
    }

    /// <summary>Wakes every waiter so it re-checks its condition.</summary>
    public void Pulse()
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }

    /// <summary>
    /// Checks <paramref name="condition"/> now and after every pulse; <see langword="true"/> once it holds, <see langword="false"/>
    /// when <paramref name="guard"/> passes first (the condition is checked one last time then).
    /// </summary>
    public async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan guard, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(guard);
        while (true)
        {
            var changed = Changed;
            if (condition())
            {
                return true;
            }

            try
            {
                await changed.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return condition();
            }
        }
    }
}
