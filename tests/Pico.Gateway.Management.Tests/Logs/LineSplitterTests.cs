using System.Text;
using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Tests.Logs;

public sealed class LineSplitterTests
{
    private readonly List<(GatewayLogStream Stream, string Text)> _lines = [];

    [Fact]
    public void Splits_on_lf_and_crlf_and_keeps_empty_lines()
    {
        var splitter = Create(maxLineLength: 100);

        splitter.Push("one\r\ntwo\n\nthree\n"u8);

        Assert.Equal(["one", "two", "", "three"], Texts());
    }

    [Fact]
    public void A_line_split_across_reads_is_joined()
    {
        var splitter = Create(maxLineLength: 100);

        splitter.Push("hel"u8);
        splitter.Push("lo wo"u8);
        splitter.Push("rld\nnext\n"u8);

        Assert.Equal(["hello world", "next"], Texts());
    }

    [Fact]
    public void A_multibyte_character_split_across_reads_is_decoded_whole()
    {
        var bytes = Encoding.UTF8.GetBytes("grüß 🙂\n");
        var splitter = Create(maxLineLength: 100);

        for (var i = 0; i < bytes.Length; i++)
        {
            splitter.Push(bytes.AsSpan(i, 1));
        }

        Assert.Equal(["grüß 🙂"], Texts());
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_replaced_and_capture_goes_on()
    {
        var splitter = Create(maxLineLength: 100);

        splitter.Push([0x66, 0x6F, 0xFF, 0xFE, 0x6F, 0x0A]);
        splitter.Push("after\n"u8);

        Assert.Equal(["fo\uFFFD\uFFFDo", "after"], Texts());
    }

    [Fact]
    public void A_last_line_without_newline_is_emitted_at_end_of_file()
    {
        var splitter = Create(maxLineLength: 100);

        splitter.Push("complete\npartial"u8);
        splitter.Complete();

        Assert.Equal(["complete", "partial"], Texts());
    }

    [Fact]
    public void Nothing_is_emitted_at_end_of_file_after_a_final_newline()
    {
        var splitter = Create(maxLineLength: 100);

        splitter.Push("done\n"u8);
        splitter.Complete();

        Assert.Equal(["done"], Texts());
    }

    [Fact]
    public void A_line_longer_than_the_cap_is_cut_and_marked_and_the_next_lines_survive()
    {
        var splitter = Create(maxLineLength: 16);

        splitter.Push(Encoding.ASCII.GetBytes(new string('x', 40) + "\nshort\n"));

        var texts = Texts();
        Assert.Equal(new string('x', 16) + GatewayLogLine.TruncationMarker + "24 characters]", texts[0]);
        Assert.Equal("short", texts[1]);
    }

    [Fact]
    public void A_long_line_arriving_in_many_reads_is_cut_once_with_the_full_dropped_count()
    {
        var splitter = Create(maxLineLength: 16);
        var chunk = Encoding.ASCII.GetBytes(new string('y', 1000));

        for (var i = 0; i < 5000; i++)
        {
            splitter.Push(chunk);
        }

        splitter.Push("\nafter\n"u8);

        var texts = Texts();
        Assert.Equal(2, texts.Length);
        Assert.Equal(new string('y', 16) + GatewayLogLine.TruncationMarker + "4999984 characters]", texts[0]);
        Assert.Equal("after", texts[1]);
    }

    [Fact]
    public void A_line_of_exactly_the_cap_is_not_marked_even_with_crlf()
    {
        var splitter = Create(maxLineLength: 16);

        splitter.Push("pre"u8);
        splitter.Push(Encoding.ASCII.GetBytes(new string('z', 13) + "\r\n"));

        Assert.Equal(["pre" + new string('z', 13)], Texts());
    }

    [Fact]
    public void Lines_carry_their_stream()
    {
        var splitter = new LineSplitter(GatewayLogStream.StandardError, 100, new Handler(_lines), 64);

        splitter.Push("boom\n"u8);

        Assert.Equal((GatewayLogStream.StandardError, "boom"), Assert.Single(_lines));
    }

    private LineSplitter Create(int maxLineLength) =>
        new(GatewayLogStream.StandardOutput, maxLineLength, new Handler(_lines), 64 * 1024);

    private string[] Texts() => [.. _lines.Select(line => line.Text)];

    private sealed class Handler(List<(GatewayLogStream, string)> lines) : IGatewayOutputHandler
    {
        public void OnLine(GatewayLogStream stream, string text) => lines.Add((stream, text));
    }
}
