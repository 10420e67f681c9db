using System.Net.Sockets;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Pico.Gateway.Management.SampleHost.Picoclaw;

/// <summary>
/// picoclaw's start preconditions: a default model that exists in <c>model_list</c>, has credentials, and, when it is local,
/// accepts a TCP connection. The config is read again whenever the file changed (<see cref="PicoclawSetup.LoadConfig"/>), so an edit is noticed without restarting the host.
/// </summary>
internal sealed class DefaultModelStartCondition(PicoclawSetup setup, TimeProvider time) : IGatewayStartCondition
{
    /// <summary>picoclaw's own probe budget for a local model server.</summary>
    internal static readonly TimeSpan ReachabilityTimeout = TimeSpan.FromMilliseconds(800);

    public async ValueTask<StartConditionResult> CheckAsync(CancellationToken cancellationToken)
    {
        PicoclawConfig config;
        try
        {
            config = setup.LoadConfig();
        }
        catch (PicoclawConfigException ex)
        {
            return StartConditionResult.NotReady(ex.Message);
        }

        var name = config.DefaultModelName;
        if (name.Length == 0)
        {
            return StartConditionResult.NotReady("no default model configured");
        }

        var model = config.FindModel(name);
        if (model is null)
        {
            return StartConditionResult.NotReady($"default model {Quote(name)} is invalid");
        }

        if (!model.HasCredentials)
        {
            return StartConditionResult.NotReady($"default model {Quote(name)} has no credentials configured");
        }

        if (model.IsLocal && !await IsReachableAsync(model, cancellationToken).ConfigureAwait(false))
        {
            return StartConditionResult.NotReady($"default model {Quote(name)} is not reachable");
        }

        return StartConditionResult.Ready;
    }

    // Go's %q: the same quoting picoclaw's messages use, so the UI shows identical text.
    private static string Quote(string value) =>
        "\"" + JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value + "\"";

    private async Task<bool> IsReachableAsync(PicoclawModel model, CancellationToken cancellationToken)
    {
        if (!model.TryGetApiBase(out var apiBase) || apiBase.Port is < 1 or > 65535)
        {
            return false;
        }

        using var timeout = new CancellationTokenSource(ReachabilityTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(apiBase.IdnHost, apiBase.Port, linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
