using System.Text;
using Pico.Gateway.Management.Processes.Containment;

namespace Pico.Gateway.Management.Tests.Containment;

public sealed class RunCookieTests
{
    [Fact]
    public void A_cookie_is_found_in_an_environment_that_carries_it_and_not_in_one_that_merely_mentions_it()
    {
        var cookie = RunCookie.New();

        Assert.True(cookie.IsCarriedIn(Environ("PATH=/bin", $"PICO_GATEWAY_RUN={cookie.Value}")));
        Assert.False(cookie.IsCarriedIn(Environ("PATH=/bin", $"OTHER={cookie.Value}")));
        Assert.False(cookie.IsCarriedIn(Environ($"PICO_GATEWAY_RUN={cookie.Value}x")));
        Assert.False(cookie.IsCarriedIn(Environ("PICO_GATEWAY_RUN=", "PATH=/bin")));
        Assert.False(RunCookie.New().IsCarriedIn(Environ($"PICO_GATEWAY_RUN={cookie.Value}")));
    }

    [Fact]
    public void A_host_under_another_supervisors_cookie_passes_both_on()
    {
        var outer = RunCookie.New();
        var inner = RunCookie.New();

        var value = inner.AppendTo(outer.Value);

        Assert.Equal($"{outer.Value} {inner.Value}", value);
        Assert.True(outer.IsCarriedIn(Environ($"PICO_GATEWAY_RUN={value}")));
        Assert.True(inner.IsCarriedIn(Environ($"PICO_GATEWAY_RUN={value}")));
        Assert.Equal(inner.Value, inner.AppendTo(null));
    }

    private static byte[] Environ(params string[] variables) => Encoding.UTF8.GetBytes(string.Join('\0', variables) + "\0");
}
