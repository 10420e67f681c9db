namespace Pico.Gateway.Management.Benchmarks.Infrastructure;

internal static class Stats
{
    public static double Median(IReadOnlyCollection<double> values) => Percentile(values, 50);

    /// <summary>Nearest-rank percentile.</summary>
    public static double Percentile(IReadOnlyCollection<double> values, double percentile)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static string Describe(IReadOnlyCollection<double> values, string unit = "ms", string format = "0.000") =>
        values.Count == 0
            ? "n/a"
            : $"median {Median(values).ToString(format)} {unit} (min {values.Min().ToString(format)}, p90 {Percentile(values, 90).ToString(format)}, n={values.Count})";
}
