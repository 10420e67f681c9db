using System.Globalization;

namespace Pico.Gateway.Management.Supervision;

internal static class Durations
{
    /// <summary>"15 s", "500 ms": how durations appear in status messages.</summary>
    public static string Format(TimeSpan duration) =>
        duration.TotalSeconds >= 1
            ? duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s"
            : duration.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + " ms";
}
