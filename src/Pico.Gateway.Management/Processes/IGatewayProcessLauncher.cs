namespace Pico.Gateway.Management.Processes;

internal interface IGatewayProcessLauncher
{
    /// <summary>Spawns the gateway in a process group of its own, with stdout and stderr captured line by line.</summary>
    /// <exception cref="GatewaySpawnException">The process could not be spawned.</exception>
    IGatewayProcess Start(GatewayProcessStartInfo startInfo, IGatewayOutputHandler output);

    /// <summary>Follows a gateway started outside this host, or returns null when <paramref name="processId"/> no longer lives.</summary>
    IGatewayProcess? AttachExternal(int processId, TimeProvider time) =>
        OperatingSystem.IsWindows() ? null : ExternalGatewayProcess.TryAttach(processId, time);
}
