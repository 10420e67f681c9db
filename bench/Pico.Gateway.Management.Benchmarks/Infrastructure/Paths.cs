using System.Reflection;

namespace Pico.Gateway.Management.Benchmarks.Infrastructure;

internal static class Paths
{
    public static string Child { get; } = System.IO.Path.Combine(Metadata("ChildDirectory"), "Pico.Gateway.Management.Benchmarks.Child");

    public static string SampleHostDll { get; } = System.IO.Path.Combine(Metadata("SampleHostDirectory"), "Pico.Gateway.Management.SampleHost.dll");

    public static string PeersDirectory { get; } = Metadata("PeersDirectory");

    public static string NewTempDirectory(string prefix)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(path);
        return path;
    }

    private static string Metadata(string key) =>
        typeof(Paths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
