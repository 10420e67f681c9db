using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Tests.Testing;

namespace Pico.Gateway.Management.Tests.Processes;

/// <summary>
/// A gateway that writes each line with its own write(2), as an unbuffered logger does: the reader loses nothing, keeps the order, and hands on the flood's last line and a line after quiet
/// while the gateway stays silent, without waiting for more output or for the end of the pipe. Through pipes and through the spool.
/// </summary>
public sealed class PerLineFloodCaptureTests : IDisposable
{
    private const int FloodLines = 20_000;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("pico-flood-");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_per_line_flood_arrives_whole_and_in_order_and_a_line_after_quiet_arrives_on_its_own(bool spool)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var trigger = Path.Combine(_directory.FullName, "trigger");
        var lines = new OrderedLines();
        var startInfo = new GatewayProcessStartInfo(
            TestChild.ExecutablePath,
            ["flood", "--lines", FloodLines.ToString(System.Globalization.CultureInfo.InvariantCulture), "--per-line-writes", "true", "--then-wait-for", trigger],
            null,
            new Dictionary<string, string>(),
            1024)
        {
            Containment = GatewayContainmentMode.ProcessGroup,
            OutputSpool = spool ? Path.Combine(_directory.FullName, "gateway.pid") : null,
        };

        using var process = new UnixProcessLauncher().Start(startInfo, lines);
        try
        {
            // The child now waits for the trigger, writing nothing: this line came without more output and without the pipe's end.
            await lines.WaitForAsync("WAITING FOR TRIGGER").WaitAsync(TestTimeouts.Wait);
            Assert.False(process.Exited.IsCompleted);
            Assert.Equal(FloodLines, lines.Numbered);
            Assert.True(lines.InOrder, "lines arrived out of order");

            await File.WriteAllTextAsync(trigger, "");
            await lines.WaitForAsync("LONE LINE").WaitAsync(TestTimeouts.Wait);
            Assert.False(process.Exited.IsCompleted);
            Assert.Equal(["WAITING FOR TRIGGER", "LONE LINE"], lines.Unnumbered);
        }
        finally
        {
            process.SignalTerminate();
            await process.Exited.WaitAsync(TestTimeouts.Wait);
            await process.OutputCompleted.WaitAsync(TestTimeouts.Wait);
        }

        Assert.Equal(FloodLines + 2, lines.Count);
    }

    public void Dispose() => _directory.Delete(recursive: true);

    /// <summary>Counts "line N" lines and checks they come 1, 2, 3…; keeps every other line.</summary>
    private sealed class OrderedLines : IGatewayOutputHandler
    {
        private readonly Lock _gate = new();
        private readonly List<string> _unnumbered = [];
        private readonly ChangeSignal _changed = new();

        public int Count { get; private set; }

        public int Numbered { get; private set; }

        public bool InOrder { get; private set; } = true;

        public IReadOnlyList<string> Unnumbered
        {
            get
            {
                lock (_gate)
                {
                    return [.. _unnumbered];
                }
            }
        }

        public void OnLine(GatewayLogStream stream, string text)
        {
            lock (_gate)
            {
                Count++;
                if (text.StartsWith("line ", StringComparison.Ordinal) && int.TryParse(text.AsSpan(5), out var number))
                {
                    // A numbered line after an unnumbered one is out of order too: the flood comes first.
                    InOrder &= number == Numbered + 1 && _unnumbered.Count == 0;
                    Numbered = number;
                }
                else
                {
                    _unnumbered.Add(text);
                }
            }

            _changed.Pulse();
        }

        public async Task WaitForAsync(string text)
        {
            while (true)
            {
                var changed = _changed.Changed;
                lock (_gate)
                {
                    if (_unnumbered.Contains(text))
                    {
                        return;
                    }
                }

                await changed;
            }
        }
    }
}
