namespace Pico.Gateway.Management.Processes;

internal interface IGatewayOutputHandler
{
    void OnLine(GatewayLogStream stream, string text);
}
