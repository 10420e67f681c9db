using System.Buffers;
using System.Text.Json;

namespace Pico.Gateway.Management.SampleHost.Api;

/// <summary>
/// The gateway's recent states for the dashboard's strip (<c>GET /api/gateway/history</c>): one entry per change of status or
/// process, the last <see cref="Window"/> of them, with crashes and restarts marked, plus the restart and crash counts and
/// when the current process started. Kept by the host, so a page opened now still sees the last minutes.
/// </summary>
internal sealed class GatewayHistory(IGatewayManager manager, TimeProvider time) : IHostedService, IObserver<GatewayEvent>, IDisposable
{
    /// <summary>How far back the strip reaches.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>A flapping gateway cannot grow the history past this many entries.</summary>
    public const int MaxEntries = 512;

    private readonly Lock _gate = new();
    private readonly Queue<Entry> _entries = new();
    private GatewayEvent? _last;
    private DateTimeOffset? _processSince;
    private bool _seenProcess;
    private int _restarts;
    private int _crashes;
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = manager.Events.Subscribe(this);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => Interlocked.Exchange(ref _subscription, null)?.Dispose();

    public void OnNext(GatewayEvent value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            var last = _last;
            _last = value;
            if (last is not null && last.Status == value.Status && last.ProcessId == value.ProcessId)
            {
                return;
            }

            var mark = MarkOf(last, value);
            _restarts += mark == "restart" ? 1 : 0;
            _crashes += mark == "crash" ? 1 : 0;
            if (value.ProcessId != last?.ProcessId)
            {
                _processSince = value.ProcessId is null ? null : value.Timestamp;
                _seenProcess |= value.ProcessId is not null;
            }

            _entries.Enqueue(new Entry(value.Timestamp, value.Status, value.ProcessId, mark));
            Trim_NeedsLock(value.Timestamp);
        }
    }

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }

    public byte[] ToUtf8Json()
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            var now = time.GetUtcNow();
            lock (_gate)
            {
                Trim_NeedsLock(now);
                writer.WriteStartObject();
                writer.WriteString("now", now.UtcDateTime);
                writer.WriteNumber("window_seconds", (int)Window.TotalSeconds);
                writer.WriteNumber("restarts", _restarts);
                writer.WriteNumber("crashes", _crashes);
                if (_processSince is { } since)
                {
                    writer.WriteString("process_since", since.UtcDateTime);
                }

                writer.WriteStartArray("states");
                foreach (var entry in _entries)
                {
                    writer.WriteStartObject();
                    writer.WriteString("at", entry.At.UtcDateTime);
                    writer.WriteString("status", entry.Status.ToJsonName());
                    if (entry.ProcessId is { } pid)
                    {
                        writer.WriteNumber("pid", pid);
                    }

                    if (entry.Mark is { } mark)
                    {
                        writer.WriteString("mark", mark);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// A crash: a new exit the manager did not ask for (not during a stop, and not the old process of a restart, whose
    /// replacement takes its place at once). A restart: a new process spawned in <c>restarting</c> (a restart or a crash restart)
    /// after an earlier one; a stop followed by a start is not one.
    /// </summary>
    private string? MarkOf(GatewayEvent? last, GatewayEvent next)
    {
        if (last is not null
            && next.LastExitTime is not null
            && next.LastExitTime != last.LastExitTime
            && last.Status != GatewayStatus.Stopping
            && next.ProcessId is null)
        {
            return "crash";
        }

        if (next.ProcessId is not null && next.ProcessId != last?.ProcessId && next.Status == GatewayStatus.Restarting && _seenProcess)
        {
            return "restart";
        }

        return null;
    }

    /// <summary>Drops entries older than the window, but keeps the newest of those: it says what the state was when the window opens.</summary>
    private void Trim_NeedsLock(DateTimeOffset now)
    {
        var cutoff = now - Window;
        while (_entries.Count > MaxEntries || (_entries.Count > 1 && ElementAtSecond_NeedsLock().At <= cutoff))
        {
            _entries.Dequeue();
        }
    }

    private Entry ElementAtSecond_NeedsLock()
    {
        using var enumerator = _entries.GetEnumerator();
        enumerator.MoveNext();
        enumerator.MoveNext();
        return enumerator.Current;
    }

    private readonly record struct Entry(DateTimeOffset At, GatewayStatus Status, int? ProcessId, string? Mark);
}
