using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Pico.Gateway.Management.Tests.Logs;

public sealed class RollingFileLogSinkTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "pico-file-sink-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Lines_are_written_with_timestamp_stream_and_text()
    {
        await using var sink = Create();

        sink.Write(Line(1, "hello", GatewayLogStream.StandardOutput));
        sink.Write(Line(2, "oops", GatewayLogStream.StandardError));
        await sink.FlushAsync().WaitAsync(Guard);

        Assert.Equal(
            ["2026-01-02T03:04:05.678+00:00 out hello", "2026-01-02T03:04:05.678+00:00 err oops"],
            await File.ReadAllLinesAsync(sink.CurrentFilePath));
        Assert.Equal(Path.Combine(_directory, "gateway.log"), sink.CurrentFilePath);
    }

    [Fact]
    public async Task Each_spawn_is_marked_with_the_sink_clock()
    {
        var time = new FakeTimeProvider(T0);
        await using var sink = Create(time: time);

        sink.OnProcessStarting();
        sink.Write(Line(1, "first run"));
        time.Advance(TimeSpan.FromMinutes(1));
        sink.OnProcessStarting();
        await sink.FlushAsync().WaitAsync(Guard);

        Assert.Equal(
            ["2026-01-02T03:04:05.678+00:00 --- gateway run started ---", "2026-01-02T03:04:05.678+00:00 out first run", "2026-01-02T03:05:05.678+00:00 --- gateway run started ---"],
            await File.ReadAllLinesAsync(sink.CurrentFilePath));
    }

    [Fact]
    public async Task The_file_rotates_before_a_line_would_take_it_past_MaxFileBytes()
    {
        // Each line is 39 bytes ("2026-01-02T03:04:05.678+00:00 out " is 34, "lineN" 5, plus the newline is 40): two fit in 100 bytes, three do not.
        await using var sink = Create(o => o.MaxFileBytes = 100);

        for (var i = 0; i < 5; i++)
        {
            sink.Write(Line(i, $"line{i}"));
        }

        await sink.FlushAsync().WaitAsync(Guard);

        Assert.Equal(["line4"], await TextsAsync("gateway.log"));
        Assert.Equal(["line2", "line3"], await TextsAsync("gateway.1.log"));
        Assert.Equal(["line0", "line1"], await TextsAsync("gateway.2.log"));
        Assert.All(Directory.GetFiles(_directory), file => Assert.True(new FileInfo(file).Length <= 100));
    }

    [Fact]
    public async Task Only_MaxFiles_files_are_kept_and_the_oldest_go_first()
    {
        await using var sink = Create(o => (o.MaxFileBytes, o.MaxFiles) = (50, 3));

        for (var i = 0; i < 10; i++)
        {
            sink.Write(Line(i, $"line{i}"));
        }

        await sink.FlushAsync().WaitAsync(Guard);

        Assert.Equal(["gateway.1.log", "gateway.2.log", "gateway.log"], Directory.GetFiles(_directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["line7", "line8", "line9"], [.. await TextsAsync("gateway.2.log"), .. await TextsAsync("gateway.1.log"), .. await TextsAsync("gateway.log")]);
    }

    [Fact]
    public async Task With_one_file_kept_rotation_starts_the_file_afresh()
    {
        await using var sink = Create(o => (o.MaxFileBytes, o.MaxFiles) = (50, 1));

        sink.Write(Line(1, "line1"));
        sink.Write(Line(2, "line2"));
        await sink.FlushAsync().WaitAsync(Guard);

        Assert.Equal(["gateway.log"], Directory.GetFiles(_directory).Select(Path.GetFileName));
        Assert.Equal(["line2"], await TextsAsync("gateway.log"));
    }

    [Fact]
    public async Task A_restarted_host_appends_and_counts_the_existing_file_towards_the_limit()
    {
        await using (var first = Create(o => o.MaxFileBytes = 100))
        {
            first.Write(Line(1, "line1"));
        }

        await using var second = Create(o => o.MaxFileBytes = 100);
        second.Write(Line(2, "line2"));
        second.Write(Line(3, "line3"));
        await second.FlushAsync().WaitAsync(Guard);

        Assert.Equal(["line1", "line2"], await TextsAsync("gateway.1.log"));
        Assert.Equal(["line3"], await TextsAsync("gateway.log"));
    }

    [Fact]
    public async Task DisposeAsync_writes_and_flushes_every_queued_line()
    {
        var sink = Create();
        for (var i = 0; i < 1000; i++)
        {
            sink.Write(Line(i, $"line{i}"));
        }

        await sink.DisposeAsync().AsTask().WaitAsync(Guard);
        await sink.DisposeAsync().AsTask().WaitAsync(Guard);

        var texts = await TextsAsync("gateway.log");
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"line{i}"), texts);
        Assert.Equal(0, sink.DroppedLines);
    }

    [Fact]
    public void Dispose_writes_and_flushes_every_queued_line()
    {
        var sink = Create();
        sink.Write(Line(1, "last words"));

        sink.Dispose();

        Assert.Equal("2026-01-02T03:04:05.678+00:00 out last words\n", File.ReadAllText(sink.CurrentFilePath));
    }

    [Fact]
    public async Task Lines_reach_the_file_as_soon_as_the_queue_runs_empty()
    {
        var disk = new GatedStream(open: true);
        await using var sink = Create(disk: disk);

        sink.Write(Line(1, "a"));
        sink.Write(Line(2, "b"));

        // No FlushAsync, no dispose: the writer flushes by itself once it has nothing more to write.
        await disk.WaitForTextAsync("b\n").WaitAsync(Guard);
        Assert.EndsWith("out a\n2026-01-02T03:04:05.678+00:00 out b\n", disk.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slow_disk_never_blocks_Write_and_the_dropped_lines_are_counted_and_marked()
    {
        var disk = new GatedStream(open: false);
        await using var sink = Create(o => o.QueueCapacity = 10, disk: disk);

        sink.Write(Line(0, "line0"));
        await disk.WriteStarted.WaitAsync(Guard);

        // The writer is stuck in the disk; 10 lines fit in the queue, the next 5 must be refused without waiting.
        await Task.Run(() =>
        {
            for (var i = 1; i <= 15; i++)
            {
                sink.Write(Line(i, $"line{i}"));
            }
        }).WaitAsync(Guard);

        Assert.Equal(5, sink.DroppedLines);
        disk.Open();
        await sink.FlushAsync().WaitAsync(Guard);
        sink.Write(Line(16, "line16"));
        await sink.FlushAsync().WaitAsync(Guard);

        var lines = disk.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[30..]).ToArray();
        Assert.Equal(
            [.. Enumerable.Range(0, 11).Select(i => $"out line{i}"), "--- 5 lines dropped: the disk could not keep up ---", "out line16"],
            lines);
    }

    [Fact]
    public async Task Concurrent_stdout_and_stderr_writers_lose_nothing_and_keep_each_stream_in_order()
    {
        const int PerStream = 20_000;
        await using var sink = Create(o => o.QueueCapacity = 2 * PerStream);
        using var start = new Barrier(2);

        void Pump(GatewayLogStream stream)
        {
            start.SignalAndWait();
            for (var i = 0; i < PerStream; i++)
            {
                sink.Write(Line(i, $"{i}", stream));
            }
        }

        await Task.WhenAll(Task.Run(() => Pump(GatewayLogStream.StandardOutput)), Task.Run(() => Pump(GatewayLogStream.StandardError))).WaitAsync(Guard);
        await sink.FlushAsync().WaitAsync(Guard);

        var lines = await File.ReadAllLinesAsync(sink.CurrentFilePath);
        Assert.Equal(0, sink.DroppedLines);
        foreach (var stream in new[] { " out ", " err " })
        {
            var numbers = lines.Where(l => l.Contains(stream, StringComparison.Ordinal)).Select(l => int.Parse(l[34..], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(Enumerable.Range(0, PerStream), numbers);
        }
    }

    [Fact]
    public async Task Unicode_is_written_as_UTF8_without_a_byte_order_mark_and_sized_in_bytes()
    {
        // 8 characters, 22 bytes in UTF-8: a limit in characters would fit both lines in one file.
        const string Text = "héllo 世界 🚀\uFFFD";
        await using var sink = Create(o => o.MaxFileBytes = 34 + 22 + 1 + 10);

        sink.Write(Line(1, Text));
        sink.Write(Line(2, Text));
        await sink.FlushAsync().WaitAsync(Guard);

        var bytes = await File.ReadAllBytesAsync(sink.CurrentFilePath);
        Assert.NotEqual(0xEF, bytes[0]);
        Assert.Equal($"2026-01-02T03:04:05.678+00:00 out {Text}\n", Encoding.UTF8.GetString(bytes));
        Assert.Equal([Text], await TextsAsync("gateway.1.log"));
    }

    [Fact]
    public async Task A_failing_disk_drops_and_counts_lines_logs_once_and_recovers()
    {
        var logger = new FakeLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logger));
        var disk = new FailingOpener();
        await using var sink = new RollingFileLogSink(new RollingFileLogSinkOptions { Directory = _directory }, null, factory, disk.Open);

        sink.Write(Line(1, "lost1"));
        sink.Write(Line(2, "lost2"));
        await sink.FlushAsync().WaitAsync(Guard);
        disk.Failing = false;
        sink.Write(Line(3, "kept"));
        await sink.FlushAsync().WaitAsync(Guard);

        Assert.Equal(2, sink.DroppedLines);
        Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Name == "FileSinkWriteFailed");
        Assert.Equal(["kept"], await TextsAsync("gateway.log"));
    }

    [Fact]
    public async Task Lines_written_after_dispose_are_counted_as_dropped()
    {
        var sink = Create();
        await sink.DisposeAsync().WaitAsync(Guard);

        sink.Write(Line(1, "late"));

        Assert.Equal(1, sink.DroppedLines);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => sink.FlushAsync());
    }

    [Fact]
    public void Invalid_options_are_rejected_with_every_problem()
    {
        var ex = Assert.Throws<ArgumentException>(() => new RollingFileLogSink(new RollingFileLogSinkOptions
        {
            Directory = " ",
            FileNamePrefix = "../escape",
            MaxFileBytes = 0,
            MaxFiles = 0,
            QueueCapacity = 0,
        }));

        foreach (var name in new[] { "Directory", "FileNamePrefix", "MaxFileBytes", "MaxFiles", "QueueCapacity" })
        {
            Assert.Contains(name, ex.Message, StringComparison.Ordinal);
        }
    }

    private static GatewayLogLine Line(long sequence, string text, GatewayLogStream stream = GatewayLogStream.StandardOutput) =>
        new(sequence, T0, stream, text);

    private RollingFileLogSink Create(Action<RollingFileLogSinkOptions>? configure = null, TimeProvider? time = null, Stream? disk = null)
    {
        var options = new RollingFileLogSinkOptions { Directory = _directory };
        configure?.Invoke(options);
        return disk is null
            ? new RollingFileLogSink(options, time ?? new FakeTimeProvider(T0))
            : new RollingFileLogSink(options, time ?? new FakeTimeProvider(T0), null, _ => disk);
    }

    /// <summary>The text of each line of a file in the sink's directory, without timestamp and stream.</summary>
    private async Task<string[]> TextsAsync(string fileName) =>
        [.. (await File.ReadAllLinesAsync(Path.Combine(_directory, fileName))).Select(l => l[34..])];

    /// <summary>A disk that holds every write until it is opened, and tells what reached it.</summary>
    private sealed class GatedStream(bool open) : Stream
    {
        private readonly TaskCompletionSource _gate = CreateGate(open);
        private readonly TaskCompletionSource _writeStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly MemoryStream _bytes = new();
        private readonly Lock _lock = new();
        private readonly ChangeSignal _changed = new();

        public Task WriteStarted => _writeStarted.Task;

        public string Text
        {
            get
            {
                lock (_lock)
                {
                    return Encoding.UTF8.GetString(_bytes.ToArray());
                }
            }
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Open() => _gate.TrySetResult();

        public async Task WaitForTextAsync(string suffix) =>
            Assert.True(
                await _changed.WaitUntilAsync(() => Text.EndsWith(suffix, StringComparison.Ordinal), TimeSpan.FromSeconds(15)),
                $"the disk never received a text ending in '{suffix}'; it has: {Text}");

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _writeStarted.TrySetResult();
            _gate.Task.Wait();
            Append(buffer);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _writeStarted.TrySetResult();
            await _gate.Task.WaitAsync(cancellationToken);
            Append(buffer.Span);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private static TaskCompletionSource CreateGate(bool open)
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (open)
            {
                gate.SetResult();
            }

            return gate;
        }

        private void Append(ReadOnlySpan<byte> buffer)
        {
            lock (_lock)
            {
                _bytes.Write(buffer);
            }

            _changed.Pulse();
        }
    }

    /// <summary>A disk that refuses to open files while <see cref="Failing"/>.</summary>
    private sealed class FailingOpener
    {
        public bool Failing { get; set; } = true;

        // A Stream, not a FileStream: it stands in for the sink's Func<string, Stream>.
#pragma warning disable CA1859
        public Stream Open(string path) => Failing
            ? throw new IOException("No space left on device")
            : new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
#pragma warning restore CA1859
    }
}
