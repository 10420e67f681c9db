using System.Text.RegularExpressions;
using Pico.Gateway.Management.Supervision;

namespace Pico.Gateway.Management.Health;

/// <summary>
/// The <see cref="GatewayReadinessMode.OutputLine"/> source: the first stdout or stderr line matching the pattern marks the run
/// ready. Lines arrive whole (the line splitter joins a line written in pieces); a match that times out does not count.
/// </summary>
internal sealed class OutputLineReadiness(GatewayReadinessOptions options) : IReadinessSource
{
    private readonly Regex _pattern = new(options.OutputPattern!, RegexOptions.CultureInvariant, options.OutputPatternTimeout);
    private readonly Lock _gate = new();
    private bool _matched;
    private bool _reported;
    private (ProcessRun Run, IReadinessListener Listener)? _attached;

    public IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>();

    public void Attach(ProcessRun run, IReadinessListener listener)
    {
        lock (_gate)
        {
            _attached = (run, listener);
        }

        // The ready line may have come before the run was known.
        ReportIfMatched();
    }

    /// <summary>Sees one line of the run (on a reader thread): once a line matched, the others cost a flag read.</summary>
    public void OnLine(GatewayLogStream stream, string text)
    {
        if (Volatile.Read(ref _matched))
        {
            return;
        }

        try
        {
            if (!_pattern.IsMatch(text))
            {
                return;
            }
        }
        catch (RegexMatchTimeoutException)
        {
            return;
        }

        Volatile.Write(ref _matched, true);
        ReportIfMatched();
    }

    public void Dispose()
    {
    }

    private void ReportIfMatched()
    {
        (ProcessRun Run, IReadinessListener Listener) target;
        lock (_gate)
        {
            if (!_matched || _reported || _attached is not { } attached)
            {
                return;
            }

            _reported = true;
            target = attached;
        }

        target.Listener.Ready(target.Run);
    }
}
