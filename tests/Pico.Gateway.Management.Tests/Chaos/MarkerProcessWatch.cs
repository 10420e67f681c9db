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
            // Each with what it runs and its state, parent and cgroup: enough to tell a spare, a trampoline or a leftover apart.
            _violations.Enqueue($"{live.Count} live gateways at once: {string.Join("; ", live.Select(Describe))}");
        }

        return live;
    }

    private static string Describe(int pid)
    {
        static string Read(string path)
        {
            try
            {
                return File.ReadAllText(path).Replace('\0', ' ').Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return "?";
            }
        }

        var stat = Read($"/proc/{pid}/stat");
        var afterName = stat.LastIndexOf(')') is var close and >= 0 ? stat[(close + 2)..] : stat;
        var cmdline = Read($"/proc/{pid}/cmdline");
        return $"pid {pid} ({(cmdline.Length > 120 ? cmdline[..120] : cmdline)}; state+ppid {string.Join(' ', afterName.Split(' ').Take(2))}; {Read($"/proc/{pid}/cgroup").Split('\n').FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))})";
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
