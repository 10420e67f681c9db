using System.Threading.Channels;
using Pico.Gateway.Management.SampleHost.Diagnostics;

namespace Pico.Gateway.Management.SampleHost.Picoclaw;

/// <summary>
/// Re-evaluates the start conditions and restart-required as soon as picoclaw's config file changes, instead of on the next
/// <c>Gateway:HealthCheckInterval</c> tick, which stays the fallback (a directory that cannot be watched, a lost notification).
/// The watcher is on the directory, not the file: editors and picoclaw itself replace the file by renaming a new one over it,
/// which a watch on the old file would never see.
/// </summary>
internal sealed class ConfigFileWatcher(PicoclawSetup setup, IGatewayManager manager, TimeProvider time, ILoggerFactory loggerFactory)
    : IHostedService, IDisposable
{
    /// <summary>How long a change waits for the rest of its burst (an editor's truncate-then-write, a save's several events): short enough to stay well inside the ~100 ms budget.</summary>
    internal static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(25);

    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger = loggerFactory.CreateLogger(SampleHostLog.Category);
    private FileSystemWatcher? _watcher;
    private Task _refreshes = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(setup.ConfigPath)!;
        try
        {
            var watcher = new FileSystemWatcher(directory)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                IncludeSubdirectories = false,
            };
            watcher.Changed += OnChanged;
            watcher.Created += OnChanged;
            watcher.Deleted += OnChanged;
            watcher.Renamed += OnRenamed;
            watcher.Error += OnError;
            watcher.EnableRaisingEvents = true;
            _watcher = watcher;
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            // A missing directory or no inotify instances left: the tick still notices the change, only later.
            SampleHostLog.ConfigWatchUnavailable(_logger, directory, ex);
            return Task.CompletedTask;
        }

        _refreshes = Task.Run(() => RefreshOnChangesAsync(_stopping.Token), CancellationToken.None);
        SampleHostLog.ConfigWatchStarted(_logger, setup.ConfigPath);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _watcher?.Dispose();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _refreshes.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private bool IsConfigFile(string? name) =>
        name is not null && string.Equals(name, Path.GetFileName(setup.ConfigPath), StringComparison.Ordinal);

    private void OnChanged(object sender, FileSystemEventArgs e)
    {
        if (IsConfigFile(e.Name))
        {
            setup.ConfigChanged();
            _changes.Writer.TryWrite(true);
        }
    }

    // An atomic save renames "config.json.tmp" (or similar) over "config.json": the new name is the config's.
    private void OnRenamed(object sender, RenamedEventArgs e)
    {
        if (IsConfigFile(e.Name) || IsConfigFile(e.OldName))
        {
            setup.ConfigChanged();
            _changes.Writer.TryWrite(true);
        }
    }

    // The kernel's queue overflowed: some change may be lost, so look at the file again.
    private void OnError(object sender, ErrorEventArgs e)
    {
        SampleHostLog.ConfigWatchError(_logger, e.GetException());
        setup.ConfigChanged();
        _changes.Writer.TryWrite(true);
    }

    private async Task RefreshOnChangesAsync(CancellationToken cancellationToken)
    {
        var reader = _changes.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                await Task.Delay(Debounce, time, cancellationToken).ConfigureAwait(false);

                // Taken after the pause: the whole burst is one refresh, and a change during the refresh queues the next.
                reader.TryRead(out _);
                await manager.RefreshConditionsAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException)
        {
            // The host is shutting down and disposed the manager first.
        }
    }
}
