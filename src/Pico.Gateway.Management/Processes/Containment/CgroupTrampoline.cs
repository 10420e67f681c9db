namespace Pico.Gateway.Management.Processes.Containment;

/// <summary>
/// Starts the gateway inside its cgroup with no window in which it runs outside it. posix_spawn cannot place a child in a cgroup,
/// and moving the child after posix_spawn returns races with its first fork (a shell-script gateway forks at once). clone3 with
/// CLONE_INTO_CGROUP would, but a raw clone from a multi-threaded .NET process cannot safely run anything before exec. So the child
/// is a POSIX shell that writes its own pid into cgroup.procs and then execs the gateway: exec keeps the pid, so the pid we track is
/// the gateway's, and nothing of the gateway runs before it is in the cgroup. The shell would export PWD even to a gateway whose
/// environment had none: it unsets it then, so the environment the gateway sees is the one configured.
/// </summary>
internal static class CgroupTrampoline
{
    public const string Shell = "/bin/sh";

    // $0 names the trampoline in the shell's own messages; exit code 125 tells a failed move from the gateway's own codes;
    // $2 says whether the configured environment has PWD (the shell sets it to the working directory either way).
    private const string Script = "echo $$ > \"$1\" || exit 125; [ \"$2\" = keep ] || unset PWD; shift 2; exec \"$@\"";

    public static GatewayProcessStartInfo Wrap(GatewayProcessStartInfo startInfo, string procsFile)
    {
        var executable = ExecutableSearch.Resolve(startInfo.ExecutablePath);
        var pwd = GatewayEnvironment.For(startInfo).ContainsKey("PWD") ? "keep" : "drop";
        var arguments = new List<string>(startInfo.Arguments.Count + 6) { "-c", Script, "pico-gateway", procsFile, pwd, executable };
        arguments.AddRange(startInfo.Arguments);
        return startInfo with { ExecutablePath = Shell, Arguments = arguments };
    }
}
