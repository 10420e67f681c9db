namespace Pico.Gateway.Management.Testing;

/// <summary>The guard on every wait in a test.</summary>
public static class TestTimeouts
{
    /// <summary>Long enough for a loaded CI machine, short enough that a hang fails fast with a location (the awaiting line).</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
}
