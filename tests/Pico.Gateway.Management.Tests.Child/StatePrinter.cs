using System.Globalization;

namespace Pico.Gateway.Management.Tests.Child;

/// <summary>Prints each state change of a host's gateway as one line the test parses: <c>STATE status pid adopted ownership | last error</c>.</summary>
internal sealed class StatePrinter : IObserver<GatewayEvent>
{
    public void OnNext(GatewayEvent value)
    {
        var pid = value.ProcessId?.ToString(CultureInfo.InvariantCulture) ?? "none";
        Console.Out.WriteLine($"STATE {value.Status.ToString().ToLowerInvariant()} {pid} {(value.IsAdopted ? "adopted" : "spawned")} {value.Ownership.ToString().ToLowerInvariant()} | {value.LastError}");
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }
}
