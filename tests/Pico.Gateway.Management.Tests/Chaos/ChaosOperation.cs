namespace Pico.Gateway.Management.Tests.Chaos;

/// <summary>What one chaos caller does next.</summary>
internal enum ChaosOperation
{
    ReadStatus,
    ReadLogs,
    ClearLogs,
    Subscribe,
    FlapHealth,
    Start,
    Stop,
    StopAndWait,
    Restart,
    KillChild,
    ChildExits,
    AwaitUp,
}
