using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Tests.Containment;

/// <summary>The output handler of a process started through the launcher directly: lets a test wait for a line.</summary>
internal sealed class LineCollector : IGatewayOutputHandler
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    public void OnLine(GatewayLogStream stream, string text)
    {
        lock (_gate)
        {
            _lines.Add(text);
            _changed.TrySetResult();
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public async Task<string> WaitForPrefixAsync(string prefix)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_lines.FirstOrDefault(line => line.StartsWith(prefix, StringComparison.Ordinal)) is { } match)
                {
                    return match;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(timeout.Token);
        }
    }
}
