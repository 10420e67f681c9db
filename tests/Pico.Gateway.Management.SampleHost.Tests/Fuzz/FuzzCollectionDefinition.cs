namespace Pico.Gateway.Management.SampleHost.Tests.Fuzz;

/// <summary>The fuzz storm runs alone, after the parallel tests: it loads both cores, and the time-bounded tests must not share them with it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FuzzCollectionDefinition
{
    public const string Name = "Fuzz";
}
