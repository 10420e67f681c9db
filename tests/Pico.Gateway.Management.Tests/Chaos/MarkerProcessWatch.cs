using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Pico.Gateway.Management.Tests.Chaos;

/// <summary>
/// Scans /proc for live (non-zombie) processes carrying the test's marker whenever something may have changed which gateway lives
/// (an event, a kill, an exit), and records every moment it saw more than one. Pokes coalesce: a burst costs one scan, not one each.
/// </summary>
internal sealed class MarkerProcessWatch : IAsyncDisposable
{
    private readonly string _marker;
    private readonly Channel<bool> _pokes = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private readonly ConcurrentQueue<string> _violations = new();
    private readonly Task _loop;
    private int _scans;
    private int _mostAlive;

    public MarkerProcessWatch(string marker)
    {
        _marker = marker;
        _loop = Task.Run(LoopAsync);
    }

    public int Scans => Volatile.Read(ref _scans);

    public int MostAlive => Volatile.Read(ref _mostAlive);

    public IReadOnlyCollection<string> Violations => _violations;

    public void Poke() => _pokes.Writer.TryWrite(true);

    public IReadOnlyList<int> Scan()
    {
        var live = ProcessTable.LiveGatewaysWithMarker(_marker);
        Interlocked.Increment(ref _scans);
        int most;
        do
        {
            most = Volatile.Read(ref _mostAlive);
        }
        while (live.Count > most && Interlocked.CompareExchange(ref _mostAlive, live.Count, most) != most);

        if (live.Count > 1)
        {
            _violations.Enqueue($"{live.Count} live gateways at once: pids {string.Join(", ", live)}");
        }

        return live;
    }

    public async ValueTask DisposeAsync()
    {
        _pokes.Writer.TryComplete();
        await _loop;
    }

    private async Task LoopAsync()
    {
        await foreach (var _ in _pokes.Reader.ReadAllAsync())
        {
            Scan();
        }
    }
}
