using System.Diagnostics;

namespace Pico.Gateway.Management.Processes;

/// <summary>
/// The fallback where posix_spawn does not exist. Windows has no graceful equivalent of SIGTERM for a console process
/// that is not attached to our console, so a graceful stop is a kill of the whole process tree, as picoclaw's launcher does.
/// </summary>
internal sealed class WindowsProcessLauncher : IGatewayProcessLauncher
{
    public IGatewayProcess Start(GatewayProcessStartInfo startInfo, IGatewayOutputHandler output, bool held = false)
    {
        var info = new ProcessStartInfo(startInfo.ExecutablePath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            WorkingDirectory = startInfo.WorkingDirectory ?? string.Empty,
        };
        foreach (var argument in startInfo.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Clear();
        foreach (var (key, value) in GatewayEnvironment.For(startInfo))
        {
            info.Environment[key] = value;
        }

        System.Diagnostics.Process process;
        try
        {
            process = System.Diagnostics.Process.Start(info)
                ?? throw new GatewaySpawnException($"could not start '{startInfo.ExecutablePath}'");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new GatewaySpawnException($"could not start '{startInfo.ExecutablePath}': {ex.Message}", ex);
        }

        process.StandardInput.Close();
        return new WindowsGatewayProcess(process, startInfo.MaxLineLength, output);
    }

    private sealed class WindowsGatewayProcess : IGatewayProcess
    {
        private readonly System.Diagnostics.Process _process;

        public WindowsGatewayProcess(System.Diagnostics.Process process, int maxLineLength, IGatewayOutputHandler output)
        {
            _process = process;
            Id = process.Id;
            OutputCompleted = Task.WhenAll(
                Task.Factory.StartNew(() => Pump(process.StandardOutput.BaseStream, GatewayLogStream.StandardOutput, maxLineLength, output), TaskCreationOptions.LongRunning),
                Task.Factory.StartNew(() => Pump(process.StandardError.BaseStream, GatewayLogStream.StandardError, maxLineLength, output), TaskCreationOptions.LongRunning));
            Exited = WaitAsync(process);
        }

        public int Id { get; }

        public Task<GatewayProcessExit> Exited { get; }

        public Task OutputClosed => OutputCompleted;

        public Task OutputCompleted { get; }

        public void SignalTerminate() => Kill();

        public void Kill()
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }
        }

        public void Dispose() => _process.Dispose();

        private static async Task<GatewayProcessExit> WaitAsync(System.Diagnostics.Process process)
        {
            await process.WaitForExitAsync().ConfigureAwait(false);
            return new GatewayProcessExit(process.ExitCode, null);
        }

        private static void Pump(Stream stream, GatewayLogStream kind, int maxLineLength, IGatewayOutputHandler output)
        {
            const int chunk = 64 * 1024;
            var splitter = new LineSplitter(kind, maxLineLength, output, chunk);
            var buffer = new byte[chunk];
            int count;
            while ((count = stream.Read(buffer, 0, chunk)) > 0)
            {
                splitter.Push(buffer.AsSpan(0, count));
            }

            splitter.Complete();
        }
    }
}
