namespace Pico.Gateway.Management.SampleHost.Tests.Testing;

internal static class TestTimeouts
{
    /// <summary>The guard on every wait: long enough for a loaded CI machine, short enough that a hang fails with a location.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
}
