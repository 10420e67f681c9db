using System.Text;
using System.Text.Json;

namespace Pico.Gateway.Management.Processes;

/// <summary>What the manager records about the gateway it spawned, so the next host can find it again.</summary>
internal sealed record GatewayPidRecord(int ProcessId, long StartTime, string HealthCheckUrl, string? BootFingerprint)
{
    /// <summary>Gets the executable the process ran when it was recorded (Linux: /proc/&lt;pid&gt;/exe).</summary>
    public string? Executable { get; init; }

    /// <summary>Gets the command line the process had when it was recorded (Linux: /proc/&lt;pid&gt;/cmdline).</summary>
    public IReadOnlyList<string>? CommandLine { get; init; }

    /// <summary>Gets how the run was contained; null in a record written before containment was recorded (its group only, then).</summary>
    public GatewayContainmentMode? Containment { get; init; }

    /// <summary>Gets the run's cgroup directory (cgroup containment).</summary>
    public string? CgroupDirectory { get; init; }

    /// <summary>Gets the run's environment cookie (cgroup and tracked containment).</summary>
    public string? RunCookie { get; init; }
}

/// <summary>
/// The pid file: small JSON, written atomically (a temporary file renamed over the old one, not synced to disk) and readable by the
/// owner only, since it tells whoever reads it which process to signal.
/// </summary>
internal sealed class GatewayPidFile(string path) : IGatewayPidStore
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public void Write(GatewayPidRecord record)
    {
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(directory);
        var temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(Path)}.{Environment.ProcessId}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteNumber("pid", record.ProcessId);
            writer.WriteNumber("start_time", record.StartTime);
            writer.WriteString("health_url", record.HealthCheckUrl);
            writer.WriteString("boot_fingerprint", record.BootFingerprint);
            writer.WriteString("exe", record.Executable);
            if (record.CommandLine is { } commandLine)
            {
                writer.WriteStartArray("cmdline");
                foreach (var argument in commandLine)
                {
                    writer.WriteStringValue(argument);
                }

                writer.WriteEndArray();
            }

            if (record.Containment is { } containment)
            {
                writer.WriteString("containment", containment.ToString());
                writer.WriteString("cgroup", record.CgroupDirectory);
                writer.WriteString("cookie", record.RunCookie);
            }

            writer.WriteEndObject();
            writer.Flush();
        }

        // No fsync (it cost ~10 ms of every start): the record matters only while the machine is up, since a machine that goes down
        // takes the gateway with it, and the rename is atomic for every reader on a running machine, a host killed the instant after
        // included. A record a crash left torn or empty cannot be read, and is removed as stale.
        File.Move(temporary, Path, overwrite: true);
    }

    /// <summary>Reads the record; <see langword="null"/> when there is no file or it is not a record this library wrote.</summary>
    public GatewayPidRecord? TryRead()
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(Path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            return new GatewayPidRecord(
                root.GetProperty("pid").GetInt32(),
                root.GetProperty("start_time").GetInt64(),
                root.GetProperty("health_url").GetString() ?? string.Empty,
                root.TryGetProperty("boot_fingerprint", out var fingerprint) ? fingerprint.GetString() : null)
            {
                Executable = root.TryGetProperty("exe", out var exe) ? exe.GetString() : null,
                CommandLine = root.TryGetProperty("cmdline", out var cmdline) && cmdline.ValueKind == JsonValueKind.Array
                    ? [.. cmdline.EnumerateArray().Select(argument => argument.GetString() ?? string.Empty)]
                    : null,
                Containment = root.TryGetProperty("containment", out var containment)
                    && Enum.TryParse<GatewayContainmentMode>(containment.GetString(), out var mode) && Enum.IsDefined(mode) ? mode : null,
                CgroupDirectory = root.TryGetProperty("cgroup", out var cgroup) ? cgroup.GetString() : null,
                RunCookie = root.TryGetProperty("cookie", out var cookie) ? cookie.GetString() : null,
            };
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>
    /// Why the file must not be trusted, or null: a file another user owns, or one that group or others may write, could name
    /// any process (Linux and macOS; elsewhere nothing is checked).
    /// </summary>
    public unsafe string? Distrust()
    {
        if (OperatingSystem.IsWindows() || !File.Exists(Path))
        {
            return null;
        }

        var mode = File.GetUnixFileMode(Path);
        if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            return $"it is writable by group or others (mode {Convert.ToString((int)mode, 8)})";
        }

        if (OperatingSystem.IsLinux())
        {
            var buffer = stackalloc byte[LibC.StatxSize];
            if (LibC.statx(LibC.AT_FDCWD, Path, 0, LibC.STATX_UID | LibC.STATX_MODE, buffer) == 0)
            {
                var owner = *(uint*)(buffer + LibC.StatxUidOffset);
                var self = LibC.geteuid();
                if (owner != self)
                {
                    return $"it is owned by uid {owner}, not by this host's uid {self}";
                }
            }
        }

        return null;
    }

    public void Delete()
    {
        try
        {
            File.Delete(Path);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
