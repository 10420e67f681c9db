namespace Pico.Gateway.Management.Testing;

/// <summary><see cref="Task.WaitAsync(TimeSpan)"/> for a <see cref="ValueTask"/> (a DisposeAsync, a probe), so every await in a test can carry a guard.</summary>
public static class ValueTaskGuards
{
    /// <summary>Awaits <paramref name="task"/>, failing with a <see cref="TimeoutException"/> when <paramref name="guard"/> passes first.</summary>
    public static Task WaitAsync(this ValueTask task, TimeSpan guard) => task.AsTask().WaitAsync(guard);

    /// <summary>Awaits <paramref name="task"/>, failing with a <see cref="TimeoutException"/> when <paramref name="guard"/> passes first.</summary>
    public static Task<T> WaitAsync<T>(this ValueTask<T> task, TimeSpan guard) => task.AsTask().WaitAsync(guard);
}
