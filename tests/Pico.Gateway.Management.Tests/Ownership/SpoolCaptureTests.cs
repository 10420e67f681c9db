using System.Diagnostics;
using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Tests.Testing;
using Xunit.Abstractions;

namespace Pico.Gateway.Management.Tests.Ownership;

/// <summary>
/// Issue 12, item 3: the spool files that carry a gateway's output when re-attach is on. Every line arrives once and in order, the
/// read part of a spool is given back to the disk as it is read, and a host that resumes from the recorded offsets reads exactly
/// what the previous one did not.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Slow)]
public sealed class SpoolCaptureTests(ITestOutputHelper output) : IDisposable
{
    private const int FloodLines = 1_000_000;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("pico-spool-");

    private string Spool => Path.Combine(_directory.FullName, "gateway.pid");

    [Fact]
    public async Task A_flood_through_the_spool_arrives_whole_and_in_order_and_the_read_part_is_freed()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var lines = new CountingOutput();
        var stopwatch = Stopwatch.StartNew();
        using (var process = new UnixProcessLauncher().Start(StartInfo("flood", "--lines", FloodLines.ToString(System.Globalization.CultureInfo.InvariantCulture)) with { OutputSpool = Spool }, lines))
        {
            Assert.Equal(0, (await process.Exited.WaitAsync(TimeSpan.FromSeconds(60))).ExitCode);
            await process.OutputCompleted.WaitAsync(TimeSpan.FromSeconds(60));
        }

        output.WriteLine($"{FloodLines} lines through the spool in {stopwatch.Elapsed.TotalMilliseconds:F0} ms (informative; bench/ measures)");
        Assert.Equal(FloodLines, lines.Count);
        Assert.True(lines.InOrder, "lines arrived out of order");

        var size = new FileInfo(SpoolCapture.StdoutPath(Spool)).Length;
        var allocated = AllocatedBytes(SpoolCapture.StdoutPath(Spool));
        output.WriteLine($"spool: {size} bytes written, {allocated} bytes on disk");
        if (allocated < 0)
        {
            return;
        }

        // Holes are punched once the read part passes the bound; a file system that cannot punch logs it (OutputSpoolUnbounded).
        Assert.True(allocated <= SpoolCapture.DiskBoundBytes + (1024 * 1024) || allocated >= size, $"{allocated} bytes on disk of {size}");
    }

    [Fact]
    public async Task A_follower_resumes_at_the_recorded_offset_and_reads_each_line_once()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // A gateway that wrote ten lines, of which a first host read some: the offsets file says how far.
        var (stdoutFd, stderrFd) = SpoolCapture.CreateForChild(Spool);
        _ = LibC.close(stdoutFd);
        _ = LibC.close(stderrFd);
        await File.AppendAllTextAsync(SpoolCapture.StdoutPath(Spool), string.Concat(Enumerable.Range(1, 10).Select(i => $"line {i}\n")));
        var first = new CountingOutput();
        var firstCapture = SpoolCapture.TryResume(Spool, 1024, first, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)!;
        firstCapture.Finish();
        await firstCapture.Completed.WaitAsync(TestTimeouts.Wait);
        Assert.Equal(10, first.Count);

        // More lines while no host runs, then a new host.
        await File.AppendAllTextAsync(SpoolCapture.StdoutPath(Spool), "line 11\nline 12\nline 1");
        var next = new CountingOutput();
        var nextCapture = SpoolCapture.TryResume(Spool, 1024, next, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)!;
        await File.AppendAllTextAsync(SpoolCapture.StdoutPath(Spool), "3\n");
        await next.WaitForAsync(13).WaitAsync(TestTimeouts.Wait);
        nextCapture.Finish();
        await nextCapture.Completed.WaitAsync(TestTimeouts.Wait);

        Assert.Equal(["line 11", "line 12", "line 13"], next.Lines);
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private static GatewayProcessStartInfo StartInfo(params string[] arguments) =>
        new(TestChild.ExecutablePath, arguments, null, new Dictionary<string, string>(), 1024) { Containment = GatewayContainmentMode.ProcessGroup };

    private static long AllocatedBytes(string path)
    {
        var info = new ProcessStartInfo("stat", ["-c", "%b %B", path]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var stat = Process.Start(info);
        var text = stat?.StandardOutput.ReadToEnd().Trim().Split(' ');
        stat?.WaitForExit();
        return text is [var blocks, var unit] ? long.Parse(blocks, System.Globalization.CultureInfo.InvariantCulture) * long.Parse(unit, System.Globalization.CultureInfo.InvariantCulture) : -1;
    }

    private sealed class CountingOutput : IGatewayOutputHandler
    {
        private readonly Lock _gate = new();
        private readonly List<string> _kept = [];
        private readonly ChangeSignal _changed = new();
        private long _last;

        public int Count { get; private set; }

        public bool InOrder { get; private set; } = true;

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_gate)
                {
                    return [.. _kept];
                }
            }
        }

        public void OnLine(GatewayLogStream stream, string text)
        {
            lock (_gate)
            {
                Count++;
                if (text.StartsWith("line ", StringComparison.Ordinal) && long.TryParse(text.AsSpan(5), out var number))
                {
                    InOrder &= number == _last + 1;
                    _last = number;
                }

                if (_kept.Count < 100)
                {
                    _kept.Add(text);
                }
            }

            _changed.Pulse();
        }

        public async Task WaitForAsync(int lastNumber)
        {
            while (true)
            {
                var changed = _changed.Changed;
                lock (_gate)
                {
                    if (_last >= lastNumber)
                    {
                        return;
                    }
                }

                await changed;
            }
        }
    }
}
