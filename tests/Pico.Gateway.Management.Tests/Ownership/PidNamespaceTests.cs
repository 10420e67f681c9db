using System.Diagnostics;
using Pico.Gateway.Management.Tests.Testing;
using Xunit.Abstractions;

namespace Pico.Gateway.Management.Tests.Ownership;

/// <summary>
/// Issue 12: a pid file naming pid 1 with pid 1's real start time, executable and command line. Run inside a throw-away PID
/// namespace (<c>unshare --pid --fork --mount-proc</c>), so that pid 1 is a sleeper of the test's own and a mistake signals
/// nothing real: the manager must leave it alive and adopt nothing.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Slow)]
public sealed class PidNamespaceTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("pico-pidns-");

    [Fact]
    public async Task A_pid_file_naming_pid_one_is_removed_as_stale_and_pid_one_lives_on()
    {
        if (UnavailableReason() is { } reason)
        {
            output.WriteLine($"not tested on this machine: {reason}");
            return;
        }

        // Pid 1 of the namespace is the test child's sleeper; it says so once it runs its final program.
        using var namespaceInit = Start("unshare", "--pid", "--fork", "--mount-proc", "--kill-child", "--", TestChild.ExecutablePath, "sleep");
        try
        {
            var announced = await namespaceInit.StandardOutput.ReadLineAsync().WaitAsync(TestTimeouts.Wait);
            if (announced is null)
            {
                // Root without CAP_SYS_ADMIN (a default container) may not create namespaces.
                output.WriteLine($"not tested on this machine: unshare failed: {await namespaceInit.StandardError.ReadToEndAsync()}");
                return;
            }

            Assert.Equal("SLEEPING 1", announced);
            var sleeper = int.Parse(File.ReadAllText($"/proc/{namespaceInit.Id}/task/{namespaceInit.Id}/children").Trim(), System.Globalization.CultureInfo.InvariantCulture);

            // nsenter's child joins the namespace (and its /proc): there pid 1 is the sleeper, not an ancestor of the manager.
            var pidFile = Path.Combine(_directory.FullName, "gateway.pid");
            using var manager = Start("nsenter", "--target", sleeper.ToString(System.Globalization.CultureInfo.InvariantCulture), "--pid", "--mount", "--", TestChild.ExecutablePath, "adopt-pid-one", "--pid-file", pidFile);
            var said = await manager.StandardOutput.ReadToEndAsync().WaitAsync(TestTimeouts.Wait);
            var errors = await manager.StandardError.ReadToEndAsync().WaitAsync(TestTimeouts.Wait);
            await manager.WaitForExitAsync().WaitAsync(TestTimeouts.Wait);
            output.WriteLine(said + errors);

            Assert.True(manager.ExitCode == 0, said + errors);
            Assert.Contains("RECORDED pid=1 ", said, StringComparison.Ordinal);
            Assert.Contains("pid 1 can never be a gateway", said, StringComparison.Ordinal);
            Assert.Contains("SUPERVISING status=Stopped pid=none adopted=False", said, StringComparison.Ordinal);
            Assert.Contains("STOP NotRunning", said, StringComparison.Ordinal);
            Assert.Contains("PIDFILE removed", said, StringComparison.Ordinal);
            Assert.True(ProcessTable.IsAlive(sleeper), "pid 1 of the namespace was signalled");
            Assert.False(namespaceInit.HasExited);
        }
        finally
        {
            if (!namespaceInit.HasExited)
            {
                // Ending pid 1 ends the namespace; --kill-child ends it too if unshare goes first.
                namespaceInit.Kill();
                await namespaceInit.WaitForExitAsync().WaitAsync(TestTimeouts.Wait);
            }
        }
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private static string? UnavailableReason()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "PID namespaces are Linux only";
        }

        if (Pico.Gateway.Management.Processes.LibC.geteuid() != 0)
        {
            return "unshare --pid needs root (CI runs as root)";
        }

        foreach (var tool in new[] { "unshare", "nsenter" })
        {
            if (!(Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(directory => File.Exists(Path.Combine(directory, tool))))
            {
                return $"{tool} (util-linux) is not installed";
            }
        }

        return null;
    }

    private static Process Start(string program, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return Process.Start(startInfo)!;
    }
}
