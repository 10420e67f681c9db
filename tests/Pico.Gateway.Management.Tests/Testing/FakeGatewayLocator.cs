namespace Pico.Gateway.Management.Tests.Testing;

/// <summary>Finds whatever the test set (or throws what it set); every call is counted.</summary>
internal sealed class FakeGatewayLocator : IGatewayLocator
{
    private int _calls;

    public ExternalGateway? Found { get; set; }

    public Exception? Failure { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    public ValueTask<ExternalGateway?> LocateAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return Failure is { } failure ? ValueTask.FromException<ExternalGateway?>(failure) : ValueTask.FromResult(Found);
    }
}
