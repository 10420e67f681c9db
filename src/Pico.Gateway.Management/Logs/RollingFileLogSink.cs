using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pico.Gateway.Management.Diagnostics;

namespace Pico.Gateway.Management;

/// <summary>
/// Writes the gateway's output to size-limited files in a directory, keeping a fixed number of them (see <see cref="RollingFileLogSinkOptions"/>).
/// Each line is written as <c>{timestamp} out|err {text}</c>; each spawn adds a <c>--- gateway run started ---</c> line.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Write"/> never waits for the disk: it puts the line in a bounded queue that a background task writes out. When the queue is
/// full (the disk is slower than the gateway), the new line is dropped rather than waited for, because a blocked pipe reader would
/// eventually block the gateway itself. Drops are counted in <see cref="DroppedLines"/> and marked in the file where they happened.
/// </para>
/// <para>
/// The file is flushed whenever the queue runs empty, so the last lines of a gateway that stopped are on disk promptly, and on
/// <see cref="FlushAsync"/>, <see cref="DisposeAsync"/> and <see cref="Dispose"/>. Registered through <c>AddRollingFileSink</c>, the sink is
/// disposed by the service container when the host shuts down, after the gateway was stopped; an instance you create yourself, you dispose.
/// </para>
/// <para>
/// A write that fails (disk full, permissions) is logged once, its lines are counted as dropped, and the next line tries again.
/// </para>
/// </remarks>
public sealed class RollingFileLogSink : ILogSink, IAsyncDisposable, IDisposable
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);
    private readonly Channel<Entry> _queue;
    private readonly string _directory;
    private readonly string _prefix;
    private readonly long _maxFileBytes;
    private readonly int _maxFiles;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<string, Stream> _openFile;
    private readonly Task _writeLoop;

    // Touched only by the write loop.
    private StreamWriter? _file;
    private long _fileBytes;
    private bool _failing;

    private long _droppedLines;
    private long _dropsNotYetMarked;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="RollingFileLogSink"/> class and starts its background writer.</summary>
    /// <param name="options">Where and how to write. Read once: later changes have no effect.</param>
    /// <param name="timeProvider">The clock for run markers; <see cref="TimeProvider.System"/> when <see langword="null"/>. Line timestamps come from the lines.</param>
    /// <param name="loggerFactory">Where write failures are reported; nowhere when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="options"/> are not valid.</exception>
    public RollingFileLogSink(RollingFileLogSinkOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : this(options, timeProvider, loggerFactory, OpenFile)
    {
    }

    /// <summary>Initializes a new instance with a replaceable way to open the current file, so tests can simulate a slow or failing disk.</summary>
    internal RollingFileLogSink(RollingFileLogSinkOptions options, TimeProvider? timeProvider, ILoggerFactory? loggerFactory, Func<string, Stream> openFile)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _directory = Path.GetFullPath(options.Directory!);
        _prefix = options.FileNamePrefix;
        _maxFileBytes = options.MaxFileBytes;
        _maxFiles = options.MaxFiles;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RollingFileLogSink>();
        _openFile = openFile;
        CurrentFilePath = FilePath(0);

        // Wait mode, used only through TryWrite, makes a full queue refuse the new line instead of evicting a queued one:
        // what reaches the file stays contiguous up to a marked gap.
        _queue = Channel.CreateBounded<Entry>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
        _writeLoop = Task.Run(WriteLoopAsync);
    }

    /// <summary>Gets the full path of the file currently written to: <c>{Directory}/{FileNamePrefix}.log</c>.</summary>
    public string CurrentFilePath { get; }

    /// <summary>Gets how many lines were not written: refused by a full queue, lost to a failed write, or received after disposal.</summary>
    public long DroppedLines => Interlocked.Read(ref _droppedLines);

    /// <inheritdoc />
    public void OnProcessStarting() => Enqueue(new Entry(EntryKind.RunStarted, default, _time.GetUtcNow(), 0, null));

    /// <inheritdoc />
    public void Write(in GatewayLogLine line) => Enqueue(new Entry(EntryKind.Line, line, line.Timestamp, 0, null));

    /// <summary>Waits until every line queued before the call is written and flushed to the operating system.</summary>
    /// <param name="cancellationToken">Stops the wait; the flush still happens.</param>
    /// <returns>A task that completes when the lines are flushed.</returns>
    /// <exception cref="ObjectDisposedException">The sink was disposed.</exception>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            // The caller is not a pipe reader, so it may wait for room in the queue.
            await _queue.Writer.WriteAsync(new Entry(EntryKind.Flush, default, default, 0, flushed), cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw new ObjectDisposedException(nameof(RollingFileLogSink), ex);
        }

        await flushed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops accepting lines, writes and flushes those already queued, and closes the file.</summary>
    /// <returns>A task that completes when the file is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _queue.Writer.TryComplete();
        }

        await _writeLoop.ConfigureAwait(false);
    }

    /// <summary>Stops accepting lines, writes and flushes those already queued, and closes the file, blocking until done.</summary>
    /// <remarks>For containers that dispose synchronously; prefer <see cref="DisposeAsync"/>.</remarks>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _queue.Writer.TryComplete();
        }

        _writeLoop.GetAwaiter().GetResult();
    }

    private static Stream OpenFile(string path) =>

        // Others may read (tail -f, a log shipper) and rename or delete (logrotate) while we write.
        new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);

    private void Enqueue(Entry entry)
    {
        // Called concurrently by the stdout and stderr readers: lock-free, and TryWrite never waits.
        var dropsBefore = Interlocked.Exchange(ref _dropsNotYetMarked, 0);
        if (_queue.Writer.TryWrite(entry with { DropsBefore = dropsBefore }))
        {
            return;
        }

        Interlocked.Add(ref _dropsNotYetMarked, dropsBefore + 1);
        Interlocked.Increment(ref _droppedLines);
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var entry))
            {
                if (entry.Kind == EntryKind.Flush)
                {
                    await FlushFileAsync().ConfigureAwait(false);
                    entry.Flushed!.TrySetResult();
                    continue;
                }

                await WriteEntryAsync(entry).ConfigureAwait(false);
            }

            // The queue ran empty: the gateway is quiet or gone, so make what it wrote visible now rather than when a buffer fills.
            await FlushFileAsync().ConfigureAwait(false);
        }

        await CloseFileAsync().ConfigureAwait(false);
    }

    private async Task WriteEntryAsync(Entry entry)
    {
        var timestamp = entry.Timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
        var text = entry.Kind switch
        {
            EntryKind.RunStarted => $"{timestamp} --- gateway run started ---\n",
            _ => string.Concat(timestamp, entry.Line.Stream == GatewayLogStream.StandardError ? " err " : " out ", entry.Line.Text, "\n"),
        };
        if (entry.DropsBefore > 0)
        {
            text = $"{timestamp} --- {entry.DropsBefore} lines dropped: the disk could not keep up ---\n{text}";
        }

        try
        {
            var bytes = Utf8NoBom.GetByteCount(text);
            if (_file is not null && _fileBytes > 0 && _fileBytes + bytes > _maxFileBytes)
            {
                await RotateAsync().ConfigureAwait(false);
            }

            _file ??= Open();
            await _file.WriteAsync(text).ConfigureAwait(false);
            _fileBytes += bytes;
            _failing = false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Count the lost line(s) and start from a fresh file next time: the disk may come back (space freed, directory recreated).
            Interlocked.Add(ref _droppedLines, (entry.Kind == EntryKind.Line ? 1 : 0) + entry.DropsBefore);
            await AbandonFileAsync().ConfigureAwait(false);
            ReportFailure(ex);
        }
    }

    private StreamWriter Open()
    {
        Directory.CreateDirectory(_directory);
        var stream = _openFile(CurrentFilePath);

        // Appending to the previous host's file: its size counts towards the limit.
        _fileBytes = stream.CanSeek ? stream.Length : 0;
        return new StreamWriter(stream, Utf8NoBom, bufferSize: 64 * 1024);
    }

    private async Task RotateAsync()
    {
        await CloseFileAsync().ConfigureAwait(false);
        if (_maxFiles == 1)
        {
            File.Delete(CurrentFilePath);
            return;
        }

        File.Delete(FilePath(_maxFiles - 1));
        for (var i = _maxFiles - 2; i >= 1; i--)
        {
            if (File.Exists(FilePath(i)))
            {
                File.Move(FilePath(i), FilePath(i + 1), overwrite: true);
            }
        }

        File.Move(CurrentFilePath, FilePath(1), overwrite: true);
    }

    private async Task FlushFileAsync()
    {
        if (_file is null)
        {
            return;
        }

        try
        {
            await _file.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await AbandonFileAsync().ConfigureAwait(false);
            ReportFailure(ex);
        }
    }

    private async Task CloseFileAsync()
    {
        if (_file is null)
        {
            return;
        }

        try
        {
            await _file.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ReportFailure(ex);
        }
        finally
        {
            _file = null;
            _fileBytes = 0;
        }
    }

    private async Task AbandonFileAsync()
    {
        var file = _file;
        _file = null;
        _fileBytes = 0;
        if (file is null)
        {
            return;
        }

        try
        {
            await file.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Its buffered text is already counted as lost with the failure that got us here.
        }
    }

    private void ReportFailure(Exception exception)
    {
        // Once per failure streak: a full disk would otherwise log every gateway line.
        if (!_failing)
        {
            _failing = true;
            Log.FileSinkWriteFailed(_logger, CurrentFilePath, exception);
        }
    }

    private string FilePath(int index) =>
        Path.Combine(_directory, index == 0 ? _prefix + ".log" : string.Create(CultureInfo.InvariantCulture, $"{_prefix}.{index}.log"));

    private enum EntryKind
    {
        Line,
        RunStarted,
        Flush,
    }

    /// <summary>One queued item; <see cref="DropsBefore"/> counts the lines refused just before it, so the gap is marked where it happened.</summary>
    private readonly record struct Entry(EntryKind Kind, GatewayLogLine Line, DateTimeOffset Timestamp, long DropsBefore, TaskCompletionSource? Flushed);
}
