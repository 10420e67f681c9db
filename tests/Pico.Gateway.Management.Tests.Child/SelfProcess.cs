using System.Diagnostics;

namespace Pico.Gateway.Management.Tests.Child;

internal static class SelfProcess
{
    public static Process Start(params string[] arguments)
    {
        var processPath = Environment.ProcessPath
            ?? throw new InvalidOperationException("the runtime does not know this program's path");
        var startInfo = new ProcessStartInfo(processPath) { UseShellExecute = false };

        // Under `dotnet Child.dll` the process is the muxer, which needs the entry assembly as its first argument;
        // the apphost needs nothing extra.
        if (string.Equals(Path.GetFileNameWithoutExtension(processPath), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            startInfo.ArgumentList.Add(Environment.GetCommandLineArgs()[0]);
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start '{processPath}'");
    }
}
