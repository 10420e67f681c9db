namespace Pico.Gateway.Management.Tests.Containment;

/// <summary>Counts the host's threads and descriptors: nothing else may run in the test process meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FlatResourcesCollectionDefinition
{
    public const string Name = "Flat resources";
}
