namespace Pico.Gateway.Management.Benchmarks.Infrastructure;

/// <summary>Writes a report where <c>--out</c> says, creating its folder first: a run of several minutes must not end in
/// a missing-directory exception after all its measuring is done.</summary>
internal static class ReportFile
{
    public static async Task WriteAsync(string path, string report)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, report);
    }
}
