using System.Text;

namespace Pico.Gateway.Management.Benchmarks.Infrastructure;

internal sealed class Table
{
    private readonly StringBuilder _rows = new();

    public void Row(string scenario, string figure, string measured, string target, bool? met) =>
        _rows.Append("| ").Append(scenario).Append(" | ").Append(figure).Append(" | ").Append(measured).Append(" | ").Append(target)
            .Append(" | ").Append(met switch { true => "met", false => "**missed**", null => "" }).Append(" |\n");

    public override string ToString() =>
        "| # | figure | measured | target | |\n|---|---|---|---|---|\n" + _rows;
}
