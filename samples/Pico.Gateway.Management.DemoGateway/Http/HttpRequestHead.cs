namespace Pico.Gateway.Management.TinyHttp;

internal readonly record struct HttpRequestHead(string Method, string Target)
{
    public string Path => Target.IndexOf('?', StringComparison.Ordinal) is var query and >= 0 ? Target[..query] : Target;
}
