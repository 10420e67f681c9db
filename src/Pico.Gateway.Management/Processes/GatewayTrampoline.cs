using Pico.Gateway.Management.Processes.Containment;

namespace Pico.Gateway.Management.Processes;

/// <summary>
/// What the Unix launcher spawns when the gateway must not run at once: a POSIX shell that enters the run's cgroup (cgroup containment),
/// waits at the <see cref="ExecGate"/> and then execs the gateway. exec keeps the pid, so the pid we track and record is the gateway's.
/// <para>
/// The cgroup: posix_spawn cannot place a child in one, and moving the child after posix_spawn returns races with its first fork (a
/// shell-script gateway forks at once). clone3 with CLONE_INTO_CGROUP would, but a raw clone from a multi-threaded .NET process cannot
/// safely run anything before exec. So the shell writes its own pid into cgroup.procs: nothing of the gateway runs outside the cgroup.
/// </para>
/// <para>
/// The gate: the shell reads one line from descriptor 3 before the exec. The host writes it once the spawn is in the pid file; a host
/// killed before that closes the pipe by dying, the shell reads end of file and exits, and no gateway runs that no record names.
/// </para>
/// The shell would export PWD even to a gateway whose environment had none: it unsets it then, so the gateway sees the configured
/// environment.
/// </summary>
internal static class GatewayTrampoline
{
    public const string Shell = "/bin/sh";

    /// <summary>The shell's $0, which also tells a recorded trampoline from a gateway's own command line.</summary>
    public const string Name = "pico-gateway";

    /// <summary>Where the gateway's executable is in the trampoline's argv: sh, -c, script, name, cgroup.procs, pwd, executable.</summary>
    public const int GatewayIndex = 6;

    private const string NoCgroup = "-";

    // Exit code 125 tells a failed move or a closed gate from the gateway's own codes; $2 says whether the configured environment
    // has PWD (the shell sets it to the working directory either way); the exec closes the gate's descriptor for the gateway.
    private const string Script = "[ \"$1\" = - ] || echo $$ > \"$1\" || exit 125; [ \"$2\" = keep ] || unset PWD; read -r go <&3 || exit 125; shift 2; exec \"$@\" 3<&-";

    /// <summary>The start info that runs <paramref name="startInfo"/> through the trampoline, entering the cgroup of <paramref name="procsFile"/> if any.</summary>
    public static GatewayProcessStartInfo Wrap(GatewayProcessStartInfo startInfo, string? procsFile)
    {
        var executable = ExecutableSearch.Resolve(startInfo.ExecutablePath);
        var pwd = GatewayEnvironment.For(startInfo).ContainsKey("PWD") ? "keep" : "drop";
        var arguments = new List<string>(startInfo.Arguments.Count + GatewayIndex) { "-c", Script, Name, procsFile ?? NoCgroup, pwd, executable };
        arguments.AddRange(startInfo.Arguments);
        return startInfo with { ExecutablePath = Shell, Arguments = arguments };
    }

    /// <summary>
    /// The gateway's executable and command line when <paramref name="commandLine"/> is a trampoline's (any version of the script that
    /// ends in an exec of its arguments), or null when it is not.
    /// </summary>
    public static (string Executable, IReadOnlyList<string> CommandLine)? Unwrap(string? executable, IReadOnlyList<string> commandLine)
    {
        if (commandLine.Count > GatewayIndex
            && commandLine[1] == "-c"
            && commandLine[2].Contains("exec \"$@\"", StringComparison.Ordinal)
            && commandLine[3] == Name
            && executable is not null
            && Path.GetFileName(executable) is "sh" or "dash" or "bash" or "busybox")
        {
            return (commandLine[GatewayIndex], commandLine.Skip(GatewayIndex).ToList());
        }

        return null;
    }
}
