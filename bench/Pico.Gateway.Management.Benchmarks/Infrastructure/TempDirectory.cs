namespace Pico.Gateway.Management.Benchmarks.Infrastructure;

internal sealed class TempDirectory(string prefix) : IDisposable
{
    public string Path { get; } = Paths.NewTempDirectory(prefix);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
