namespace Pico.Gateway.Management;

/// <summary>Where and how <see cref="RollingFileLogSink"/> writes the gateway's output.</summary>
/// <remarks>
/// The current file is <c>{Directory}/{FileNamePrefix}.log</c>. When the next line would take it past <see cref="MaxFileBytes"/>,
/// it becomes <c>{FileNamePrefix}.1.log</c>, the previous <c>.1</c> becomes <c>.2</c>, and so on; the oldest beyond
/// <see cref="MaxFiles"/> is deleted. Disk use is therefore bounded by about <see cref="MaxFiles"/> × <see cref="MaxFileBytes"/>.
/// </remarks>
public sealed class RollingFileLogSinkOptions
{
    /// <summary>Gets or sets the directory the files are written to; created if it does not exist.</summary>
    /// <value>Required. The default value is <see langword="null"/>.</value>
    public string? Directory { get; set; }

    /// <summary>Gets or sets the start of every file name: the current file is <c>{FileNamePrefix}.log</c>.</summary>
    /// <value>The default value is <c>gateway</c>.</value>
    public string FileNamePrefix { get; set; } = "gateway";

    /// <summary>
    /// Gets or sets the size, in bytes, past which the current file is rotated. A file only exceeds it when a single line
    /// is larger: lines are never split across files.
    /// </summary>
    /// <value>The default value is 10 MiB (10,485,760 bytes).</value>
    public long MaxFileBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Gets or sets how many files are kept, the current one included; older ones are deleted.</summary>
    /// <value>The default value is 5.</value>
    public int MaxFiles { get; set; } = 5;

    /// <summary>
    /// Gets or sets how many lines may wait for the disk. When the queue is full, new lines are dropped (never waited for: the pipe
    /// readers must not block), counted in <see cref="RollingFileLogSink.DroppedLines"/>, and a <c>[N lines dropped]</c> line marks the gap in the file.
    /// </summary>
    /// <value>The default value is 10,000.</value>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Returns every problem with these options, so that one start-up failure lists them all.</summary>
    internal List<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Directory))
        {
            errors.Add($"{nameof(Directory)} is required.");
        }

        if (string.IsNullOrWhiteSpace(FileNamePrefix))
        {
            errors.Add($"{nameof(FileNamePrefix)} is required.");
        }
        else if (FileNamePrefix.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || FileNamePrefix.Contains('/', StringComparison.Ordinal) || FileNamePrefix.Contains('\\', StringComparison.Ordinal))
        {
            // The prefix names files inside Directory: a separator would write (and rotate, and delete) elsewhere.
            errors.Add($"{nameof(FileNamePrefix)} '{FileNamePrefix}' must be a file name, without directory separators.");
        }

        if (MaxFileBytes < 1)
        {
            errors.Add($"{nameof(MaxFileBytes)} must be at least 1 (it is {MaxFileBytes}).");
        }

        if (MaxFiles < 1)
        {
            errors.Add($"{nameof(MaxFiles)} must be at least 1 (it is {MaxFiles}).");
        }

        if (QueueCapacity < 1)
        {
            errors.Add($"{nameof(QueueCapacity)} must be at least 1 (it is {QueueCapacity}).");
        }

        return errors;
    }
}
