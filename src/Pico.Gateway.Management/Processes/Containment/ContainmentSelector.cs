using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pico.Gateway.Management.Diagnostics;

namespace Pico.Gateway.Management.Processes.Containment;

/// <summary>
/// Decides, for each spawn, how the run is contained, and prepares it: the per-run cgroup and the trampoline that enters it, or the
/// environment cookie. What the host can do is found out once per cgroup parent and logged once; an explicit
/// <see cref="GatewayContainmentMode.Cgroup"/> that is not available fails the start instead of silently giving less.
/// </summary>
internal sealed class ContainmentSelector
{
    public const string CgroupPrefix = "pico-gateway-";

    private readonly ILogger _logger;
    private readonly GatewayContainmentMode _defaultMode;
    private readonly string? _defaultParent;
    private readonly ConcurrentDictionary<string, CgroupSupport> _support = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<GatewayContainmentMode, bool> _logged = new();
    private int _fallbackLogged;

    /// <param name="logger">Where the chosen mode is logged.</param>
    /// <param name="defaultMode">The mode used when the start info asks for <see cref="GatewayContainmentMode.Auto"/> (tests force one).</param>
    /// <param name="defaultParent">The cgroup parent used when the start info names none.</param>
    /// <param name="useKillFile">False forces the freeze-and-kill path of kernels without cgroup.kill.</param>
    public ContainmentSelector(ILogger? logger = null, GatewayContainmentMode defaultMode = GatewayContainmentMode.Auto, string? defaultParent = null, bool useKillFile = true)
    {
        _logger = logger ?? NullLogger.Instance;
        _defaultMode = defaultMode;
        _defaultParent = defaultParent;
        UseKillFile = useKillFile;
    }

    public bool UseKillFile { get; }

    /// <summary>Prepares a spawn: the start info to spawn (possibly through the trampoline) and the tree to attach the pid to.</summary>
    /// <exception cref="GatewaySpawnException">Cgroup containment was asked for explicitly and cannot be had.</exception>
    public (GatewayProcessStartInfo SpawnInfo, ProcessTree Tree) Prepare(GatewayProcessStartInfo startInfo)
    {
        var requested = startInfo.Containment == GatewayContainmentMode.Auto ? _defaultMode : startInfo.Containment;
        if (!OperatingSystem.IsLinux())
        {
            if (requested is GatewayContainmentMode.Cgroup or GatewayContainmentMode.Tracked)
            {
                throw new GatewaySpawnException($"{requested} containment needs Linux");
            }

            return (startInfo, Selected(new ProcessGroupTree(), "no /proc to track a tree with"));
        }

        if (requested == GatewayContainmentMode.ProcessGroup)
        {
            return (startInfo, Selected(new ProcessGroupTree(), "configured"));
        }

        var cookie = RunCookie.New();
        var tagged = Tag(startInfo, cookie);
        if (requested is GatewayContainmentMode.Cgroup or GatewayContainmentMode.Auto)
        {
            var parent = startInfo.CgroupParent ?? _defaultParent;
            var support = _support.GetOrAdd(parent ?? string.Empty, _ => CgroupSupport.Detect(parent));
            var failure = support.Reason;
            if (support.Directory is { } parentDirectory)
            {
                var path = Path.Combine(parentDirectory, CgroupPrefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + cookie.Value[..12]);
                try
                {
                    var cgroup = CgroupDirectory.Create(path);
                    var tree = new CgroupProcessTree(cgroup, support.CgroupPathOf(path), cookie, UseKillFile && cgroup.HasKillFile, _logger);
                    try
                    {
                        return (tagged, Selected(tree, $"each run in a cgroup under {parentDirectory}"));
                    }
                    catch
                    {
                        tree.Release();
                        throw;
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    failure = $"could not create {path}: {ex.Message}";
                }
            }

            if (requested == GatewayContainmentMode.Cgroup)
            {
                throw new GatewaySpawnException($"cgroup containment is not available: {failure}");
            }

            if (Interlocked.Exchange(ref _fallbackLogged, 1) == 0)
            {
                Log.ContainmentFallback(_logger, GatewayContainmentMode.Cgroup, failure ?? "unknown", GatewayContainmentMode.Tracked);
            }
        }

        return (tagged, Selected(new TrackedProcessTree(cookie), $"environment cookie {RunCookie.VariableName}"));
    }

    private static GatewayProcessStartInfo Tag(GatewayProcessStartInfo startInfo, RunCookie cookie)
    {
        var inherited = startInfo.Environment.TryGetValue(RunCookie.VariableName, out var configured)
            ? configured
            : Environment.GetEnvironmentVariable(RunCookie.VariableName);
        var environment = new Dictionary<string, string>(startInfo.Environment, StringComparer.Ordinal)
        {
            [RunCookie.VariableName] = cookie.AppendTo(inherited),
        };
        return startInfo with { Environment = environment };
    }

    private ProcessTree Selected(ProcessTree tree, string detail)
    {
        if (_logged.TryAdd(tree.Mode, true))
        {
            Log.ContainmentSelected(_logger, tree.Mode, detail);
        }

        return tree;
    }

    /// <summary>What cgroup containment can use under one parent: the parent's directory, or why there is none.</summary>
    private sealed record CgroupSupport(string? Directory, string? ParentPath, string? Reason)
    {
        public static CgroupSupport Detect(string? configuredParent)
        {
            if (!File.Exists(GatewayTrampoline.Shell))
            {
                return new(null, null, $"{GatewayTrampoline.Shell} is missing: the trampoline that enters the cgroup needs it");
            }

            string directory;
            if (configuredParent is not null)
            {
                directory = configuredParent.TrimEnd('/');
            }
            else if (!CgroupHierarchy.TryFindOwnCgroup(out directory, out var reason))
            {
                return new(null, null, reason);
            }

            var parentPath = CgroupHierarchy.ToCgroupPath(directory);
            if (parentPath is null || !System.IO.Directory.Exists(directory))
            {
                return new(null, null, $"{directory} is not a directory of a mounted cgroup2 file system");
            }

            if (LibC.access(directory, 2 /* W_OK */) != 0)
            {
                return new(null, null, $"{directory} is not writable (cgroup v2 delegation, e.g. systemd's Delegate=yes, or root is needed)");
            }

            if (!File.Exists(Path.Combine(directory, "cgroup.procs")))
            {
                return new(null, null, $"{directory} has no cgroup.procs");
            }

            RemoveLeftovers(directory);
            return new(directory, parentPath, null);
        }

        public string CgroupPathOf(string directory) => ParentPath!.TrimEnd('/') + "/" + Path.GetFileName(directory);

        // A host that died left its runs' cgroups behind; an empty one whose host is gone is removed. A populated one is a gateway
        // still running (re-attached through the pid file, or not): rmdir refuses it, and it is left alone.
        private static void RemoveLeftovers(string directory)
        {
            try
            {
                foreach (var child in System.IO.Directory.EnumerateDirectories(directory, CgroupPrefix + "*"))
                {
                    var name = Path.GetFileName(child.AsSpan())[CgroupPrefix.Length..];
                    var dash = name.IndexOf('-');
                    if (dash > 0 && int.TryParse(name[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var hostPid)
                        && hostPid != Environment.ProcessId && !ProcStat.TryRead(hostPid, out _))
                    {
                        _ = new CgroupDirectory(child).TryRemove(out _);
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }
    }
}
