// The integration tests read /proc and send POSIX signals: they run where the gateway's process groups do.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
