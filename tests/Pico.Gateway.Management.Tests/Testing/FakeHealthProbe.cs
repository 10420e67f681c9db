using System.Text.Json;
using System.Threading.Channels;

namespace Pico.Gateway.Management.Tests.Testing;

/// <summary>Answers with whatever the test set last; every call is recorded so a test can wait for the next probe.</summary>
internal sealed class FakeHealthProbe : IHealthProbe
{
    private readonly Channel<HealthProbeContext> _calls = Channel.CreateUnbounded<HealthProbeContext>();
    private int _callCount;

    public HealthProbeResult Answer { get; set; } = HealthProbeResult.Unreachable("connection refused");

    public int CallCount => Volatile.Read(ref _callCount);

    /// <summary>Gets what the last probe was asked to probe.</summary>
    public HealthProbeContext? LastContext { get; private set; }

    public Action? Called { get; set; }

    public static HealthProbeResult HealthyWith(string json) =>
        HealthProbeResult.Healthy(JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!);

    public ValueTask<HealthProbeResult> ProbeAsync(HealthProbeContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _callCount);
        _calls.Writer.TryWrite(context);
        LastContext = context;
        var answer = Answer;
        Called?.Invoke();
        return ValueTask.FromResult(answer);
    }
}
