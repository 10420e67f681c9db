using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Pico.Gateway.Management.Benchmarks.Micro;

/// <summary>
/// In-process toolchain (no generated project to build, so the repository's warnings-as-errors settings cannot break a run),
/// with the memory diagnoser for the allocation targets.
/// </summary>
public static class MicroConfig
{
    public static IConfig Create() =>
        DefaultConfig.Instance
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(5).WithIterationCount(15))
            .AddDiagnoser(MemoryDiagnoser.Default);
}
