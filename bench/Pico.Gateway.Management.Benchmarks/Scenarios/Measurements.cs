namespace Pico.Gateway.Management.Benchmarks.Scenarios;

/// <summary>Samples in milliseconds (or another unit) per named figure, kept for the tables and the ours/theirs ratios.</summary>
internal sealed class Measurements
{
    private readonly Dictionary<string, List<double>> _samples = new(StringComparer.Ordinal);

    public List<double> this[string name]
    {
        get
        {
            if (!_samples.TryGetValue(name, out var list))
            {
                _samples[name] = list = [];
            }

            return list;
        }
    }

    public bool Has(string name) => _samples.TryGetValue(name, out var list) && list.Count > 0;

    public double Median(string name) => Has(name) ? Infrastructure.Stats.Median(this[name]) : double.NaN;
}
