using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Pico.Gateway.Management.Events;

namespace Pico.Gateway.Management.Benchmarks.Micro;

/// <summary>Scenario 7 in process: one event published and delivered to every one of N subscribers (each on its own queue).</summary>
public class EventPublishBenchmarks
{
    private readonly GatewayEvent _event = new() { Sequence = 1, Timestamp = DateTimeOffset.UnixEpoch, Status = GatewayStatus.Running };
    private readonly ManualResetEventSlim _allDelivered = new();
    private GatewayEventStream _stream = null!;
    private int _remaining;

    [Params(1, 100, 1000)]
    public int Subscribers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _stream = new GatewayEventStream(_event, NullLogger.Instance);
        _remaining = Subscribers;
        for (var i = 0; i < Subscribers; i++)
        {
            _stream.Subscribe(new Observer(this));
        }

        _allDelivered.Wait(TimeSpan.FromSeconds(10));
    }

    [GlobalCleanup]
    public void Cleanup() => _stream.Complete();

    [Benchmark]
    public void PublishAndDeliver()
    {
        _allDelivered.Reset();
        Volatile.Write(ref _remaining, Subscribers);
        _stream.Publish(_event);
        _allDelivered.Wait();
    }

    private sealed class Observer(EventPublishBenchmarks owner) : IObserver<GatewayEvent>
    {
        public void OnNext(GatewayEvent value)
        {
            if (Interlocked.Decrement(ref owner._remaining) == 0)
            {
                owner._allDelivered.Set();
            }
        }

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }
}
