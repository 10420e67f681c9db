namespace Pico.Gateway.Management.Supervision;

/// <summary>Whose listening socket answered a probe: the gateway's tree, a stranger (described), or nobody could tell.</summary>
/// <param name="Counts">Whether a healthy answer through this listener counts as the gateway's.</param>
/// <param name="Stranger">Who holds the socket when it is not the gateway's tree: <c>pid 1234: /usr/bin/nc -l 18790</c>.</param>
internal sealed record ListenerVerdict(bool Counts, string? Stranger)
{
    /// <summary>No listener could be seen (another host, another network namespace, not Linux): the answer counts, unchecked.</summary>
    public static readonly ListenerVerdict Unchecked = new(true, null);

    /// <summary>A process of the gateway's own tree holds the socket.</summary>
    public static readonly ListenerVerdict Own = new(true, null);

    public static ListenerVerdict HeldBy(string stranger) => new(false, stranger);
}
