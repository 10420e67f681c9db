namespace Pico.Gateway.Management.Processes;

/// <summary>Where the running gateway is recorded for a later host: the pid file, or a fake in tests.</summary>
internal interface IGatewayPidStore
{
    string Path { get; }

    /// <summary>Reads the record; null when there is none or it cannot be parsed.</summary>
    GatewayPidRecord? TryRead();

    /// <summary>Replaces the record atomically.</summary>
    void Write(GatewayPidRecord record);

    void Delete();

    /// <summary>Why the record must not be trusted (another owner, writable by others), or null.</summary>
    string? Distrust();
}
