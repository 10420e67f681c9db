namespace Pico.Gateway.Management.Supervision;

/// <summary>
/// Serializes start, restart, a stop's decision, a crash restart and disposal: one at a time, so there are never two live
/// gateways. A holder releases it by disposing the lease it got, in the method that entered; nothing hands it on. A stop
/// holds it only to decide: the termination runs in the process run, so a start during a stop answers at once.
/// </summary>
internal sealed class OperationGate : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);

    public async Task<Lease> EnterAsync(CancellationToken cancellationToken)
    {
        await _semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Lease(_semaphore);
    }

    public void Dispose() => _semaphore.Dispose();

    /// <summary>Holds the gate until disposed.</summary>
    internal readonly struct Lease(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}
