namespace Pico.Gateway.Management.Tests.Chaos;

/// <summary>
/// The chaos suite runs alone, after the parallel tests: it owns the process-wide unobserved-task-exception check, and its time bound
/// must not depend on what else shares the two cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChaosCollectionDefinition
{
    public const string Name = "Chaos";
}
