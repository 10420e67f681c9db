namespace Pico.Gateway.Management.Processes;

internal interface IGatewayProcessLauncher
{
    /// <summary>Spawns the gateway in a process group of its own, with stdout and stderr captured line by line.</summary>
    /// <param name="startInfo">What to run.</param>
    /// <param name="output">Where its lines go.</param>
    /// <param name="held">
    /// True holds the spawned process before it execs the gateway until <see cref="IGatewayProcess.LetRun"/> (Unix): the caller records
    /// the spawn first, and a host that dies before that takes the held process with it instead of leaving a gateway nobody recorded.
    /// </param>
    /// <exception cref="GatewaySpawnException">The process could not be spawned.</exception>
    IGatewayProcess Start(GatewayProcessStartInfo startInfo, IGatewayOutputHandler output, bool held = false);

    /// <summary>Follows a gateway started outside this host, or returns null when <paramref name="processId"/> no longer lives.</summary>
    IGatewayProcess? AttachExternal(int processId, TimeProvider time) =>
        OperatingSystem.IsWindows() ? null : ExternalGatewayProcess.TryAttach(processId, time);
}
