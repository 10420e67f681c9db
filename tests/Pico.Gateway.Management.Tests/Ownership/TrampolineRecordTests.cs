using Pico.Gateway.Management.Processes;
using Pico.Gateway.Management.Supervision;

namespace Pico.Gateway.Management.Tests.Ownership;

/// <summary>
/// A host killed between a spawn in cgroup mode and the gateway's first answer recorded the trampoline (<c>/bin/sh -c ...</c>), which
/// has exec'd the gateway since: the record must still be recognized, exactly, or the orphaned gateway would hold the port of a
/// host that can neither adopt it nor start its own (found by the host churn test).
/// </summary>
public sealed class TrampolineRecordTests
{
    private const string Script = "echo $$ > \"$1\" || exit 125; [ \"$2\" = keep ] || unset PWD; shift 2; exec \"$@\"";

    [Fact]
    public async Task A_record_of_the_trampoline_matches_the_gateway_it_exec_d_and_nothing_else()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var sleep = new FileInfo("/usr/bin/sleep").ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? "/usr/bin/sleep";
        using var leader = new UnixProcessLauncher().Start(
            new GatewayProcessStartInfo(sleep, ["60"], null, new Dictionary<string, string>(), 1024) { Containment = GatewayContainmentMode.ProcessGroup },
            new Ignored());
        try
        {
            Assert.True(ProcessIdentity.TryGetStartTime(leader.Id, out var startTime));
            GatewayPidRecord Record(params string[] gateway) => new(leader.Id, startTime, "http://127.0.0.1:1/health", null)
            {
                Executable = "/usr/bin/dash",
                CommandLine = ["/bin/sh", "-c", Script, "pico-gateway", "/sys/fs/cgroup/x/cgroup.procs", "drop", .. gateway],
            };

            Assert.Null(AdoptionCheck.Refuse(Record(sleep, "60"), pid => ProcessIdentity.TryGetStartTime(pid, out var t) ? t : null));
            Assert.NotNull(AdoptionCheck.Refuse(Record(sleep, "61"), pid => ProcessIdentity.TryGetStartTime(pid, out var t) ? t : null));
            Assert.NotNull(AdoptionCheck.Refuse(Record("/bin/true", "60"), pid => ProcessIdentity.TryGetStartTime(pid, out var t) ? t : null));
        }
        finally
        {
            leader.Kill();
            await leader.Exited.WaitAsync(TestTimeouts.Wait);
        }
    }

    private sealed class Ignored : IGatewayOutputHandler
    {
        public void OnLine(GatewayLogStream stream, string text)
        {
        }
    }
}
