namespace Pico.Gateway.Management.SampleHost.Picoclaw;

/// <summary>picoclaw's config file could not be read or parsed; the message is what the user sees as the start reason.</summary>
internal sealed class PicoclawConfigException : Exception
{
    public PicoclawConfigException()
    {
    }

    public PicoclawConfigException(string message)
        : base(message)
    {
    }

    public PicoclawConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
