using System.Globalization;

namespace Pico.Gateway.Management.Benchmarks.Child;

/// <summary>
/// The test child's flood mode: numbered lines through a 1 MiB buffer, so the pipe sees 1 MiB writes, or with
/// <c>perLineWrites</c> one <c>write(2)</c> per line, as an unbuffered logger does.
/// </summary>
internal static class Flood
{
    public static int Run(int count, bool perLineWrites, Stamps stamps, long started)
    {
        var writing = Stamps.Now();
        Write(count, perLineWrites);
        var done = Stamps.Now();
        stamps.Write("main", started);
        stamps.Write("flood-start", writing);
        stamps.Write("flood-end", done);
        return 0;
    }

    /// <summary>Writes "line 1".."line <paramref name="count"/>" to stdout.</summary>
    public static void Write(int count, bool perLineWrites)
    {
        using (var buffered = perLineWrites ? Console.OpenStandardOutput() : new BufferedStream(Console.OpenStandardOutput(), 1024 * 1024))
        {
            Span<byte> line = stackalloc byte["line "u8.Length + 12];
            "line "u8.CopyTo(line);
            var digits = line["line "u8.Length..];
            for (var i = 1; i <= count; i++)
            {
                i.TryFormat(digits, out var written, provider: CultureInfo.InvariantCulture);
                digits[written] = (byte)'\n';
                buffered.Write(line[..("line "u8.Length + written + 1)]);
            }
        }
    }
}
