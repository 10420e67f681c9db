using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Pico.Gateway.Management.SampleHost.Tests.Fuzz;

/// <summary>
/// Generates requests against <c>/api/gateway</c> from a seeded <see cref="Random"/>: valid and junk methods, valid, unknown,
/// long, percent-encoded and traversal paths, junk log query strings, Origin variants, huge and duplicated headers, wrong
/// Content-Length and Transfer-Encoding, random bodies, requests cut off mid-way, and event-stream clients that go quiet.
/// Requests that change the gateway's state (start, stop, restart) are rare on purpose: each may spawn a real process.
/// </summary>
internal sealed class FuzzRequestGenerator(Random random, int port)
{
    public static readonly string[] ValidPaths =
    [
        "/api/gateway/status",
        "/api/gateway/logs",
        "/api/gateway/history",
        "/api/gateway/logs/clear",
        "/api/gateway/start",
        "/api/gateway/stop",
        "/api/gateway/restart",
        "/api/gateway/events",
    ];

    private static readonly string[] LifecyclePaths = ["/api/gateway/start", "/api/gateway/stop", "/api/gateway/restart"];

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE"];

    private static readonly string[] JunkMethods = ["get", "post", "FOO", "BREW", "PROPFIND", "M-SEARCH", "X", new string('M', 300)];

    // Not tokens: only a raw socket can send these.
    private static readonly string[] InvalidMethods = ["G T", "GET\t", "(GET)", "GÉT", "\u0001GET", string.Empty];

    private static readonly string[] QueryKeys = ["log_offset", "log_run_id", "log_offset", "log_run_id", "offset", "LOG_OFFSET", "x", "log_offset[]", "%6Cog_offset"];

    private static readonly string[] QueryValues =
    [
        "0", "1", "5", "-1", "-5", "200", "201", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
        "99999999999999999999999999", "abc", string.Empty, "1e3", "0x1F", "%00", "1,2", "+5", "%205", "1.5", "NaN", "%FF%FE",
        "٣", "--1", "0%0d%0aX-Injected:%201",
    ];

    private static readonly string[] JsonBodies =
    [
        "{}", "{", "null", "[]", "\"start\"", "{\"action\":\"stop\"}", "{\"pid\":-1}", "{\"a\":[1,2,", "\u0000", "{\"x\":\"\\ud800\"}",
    ];

    private readonly string _authority = "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);

    public FuzzCase Next()
    {
        var roll = random.Next(1000);
        return roll switch
        {
            < 200 => Case(HttpMethods.Get, "/api/gateway/status" + MaybeQuery()),
            < 350 => Case(HttpMethods.Get, "/api/gateway/logs" + Query(force: true)),
            < 380 => Case(HttpMethods.Post, "/api/gateway/logs/clear" + MaybeQuery()),
            < 395 => Case(HttpMethods.Post, Pick(LifecyclePaths) + MaybeQuery()),
            < 440 => EventStreamCase(),
            < 590 => Case(AnyMethod(lifecycleSafe: true), Pick(ValidPaths) + MaybeQuery()),
            < 790 => Case(AnyMethod(lifecycleSafe: true), OddPath() + MaybeQuery()),
            < 940 => MalformedCase(),
            _ => AbortedCase(),
        };
    }

    private static string Pick(string[] choices, Random random) => choices[random.Next(choices.Length)];

    private string Pick(string[] choices) => Pick(choices, random);

    private bool Chance(int percent) => random.Next(100) < percent;

    /// <summary>A request with random headers and body, sent through HttpClient or a raw socket.</summary>
    private FuzzCase Case(string method, string target)
    {
        var (headers, foreign, hostValid) = Headers();
        var body = Body();
        var isToken = IsToken(method);
        var huge = headers.Any(h => h.Value.Length > 4096) || target.Length > 4096 || body.Length > 16 * 1024;

        // HttpClient refuses to send a header value that is not ASCII: such requests go raw.
        var ascii = headers.All(h => h.Value.All(char.IsAscii));
        var viaClient = isToken && ascii && !huge && Chance(50) && Uri.TryCreate("http://" + _authority + target, UriKind.Absolute, out _);
        if (viaClient)
        {
            return new FuzzCase
            {
                Transport = FuzzTransport.HttpClient,
                Method = method,
                Target = target,
                Headers = headers,
                Body = body,
                ForeignOrigin = foreign,
                MustBeAnswered = true,
            };
        }

        var version = Chance(90) ? "HTTP/1.1" : Pick(["HTTP/1.0", "HTTP/1.1", "HTTP/2.0", "HTTP/9.9", "HTTP/1.1 ", "http/1.1"]);
        var head = new StringBuilder();
        head.Append(method).Append(' ').Append(target).Append(' ').Append(version).Append("\r\n");
        var host = hostValid ? _authority : null;
        if (host is not null || Chance(50))
        {
            head.Append("Host: ").Append(host ?? Pick(["evil.example", string.Empty, "127.0.0.1:1", "[::1", "localhost:" + port.ToString(CultureInfo.InvariantCulture)])).Append("\r\n");
        }

        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        var wellFormed = isToken && version is "HTTP/1.1" or "HTTP/1.0";
        if (body.Length > 0 || Chance(20))
        {
            head.Append("Content-Length: ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }

        head.Append(Chance(85) ? "Connection: close\r\n" : "Connection: keep-alive\r\n");
        head.Append("\r\n");
        return new FuzzCase
        {
            Transport = FuzzTransport.Raw,
            Method = method,
            Target = target,
            Raw = [.. Encoding.UTF8.GetBytes(head.ToString()), .. body],
            ForeignOrigin = foreign && hostValid,
            MustBeAnswered = wellFormed && !huge,
        };
    }

    /// <summary>Framing the parser must reject or survive: bad request lines, header syntax, lengths and encodings.</summary>
    private FuzzCase MalformedCase()
    {
        var method = Pick(Methods);
        var target = Chance(70) ? Pick(ValidPaths) : OddPath();
        var host = $"Host: {_authority}\r\n";
        var body = Body();
        var text = random.Next(14) switch
        {
            0 => $"{method} {target} HTTP/1.1\r\n{host}Content-Length: abc\r\n\r\n",
            1 => $"{method} {target} HTTP/1.1\r\n{host}Content-Length: -1\r\n\r\n",
            2 => $"{method} {target} HTTP/1.1\r\n{host}Content-Length: 99999999999999999999\r\n\r\n",
            3 => $"{method} {target} HTTP/1.1\r\n{host}Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
            4 => $"{method} {target} HTTP/1.1\r\n{host}Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
            5 => $"{method} {target} HTTP/1.1\r\n{host}Transfer-Encoding: chunked\r\n\r\nZZ\r\nnot hex\r\n0\r\n\r\n",
            6 => $"{method} {target} HTTP/1.1\r\n{host}Transfer-Encoding: gzip, identity\r\n\r\n",
            7 => $"{Pick(InvalidMethods)} {target} HTTP/1.1\r\n{host}\r\n",
            8 => $"{method} {target}\r\n{host}\r\n",
            9 => $"{method} {target} HTTP/1.1\r\n{host}{host}\r\n",
            10 => $"{method} {target} HTTP/1.1\r\n{host}Bad Header Name: x\r\n: empty name\r\n\r\n",
            11 => $"{method} {target} HTTP/1.1\n{host.TrimEnd('\r', '\n')}\nX-Bare: lf\n\n",
            12 => $"{method} {target} HTTP/1.1\r\n{host}X-Folded: first\r\n  continued\r\n\r\n",
            _ => $"{method} {target} HTTP/1.1\r\n{host}X-Nul: a\u0000b\r\nX-Ctl: \u0007\r\n\r\n",
        };
        return new FuzzCase
        {
            Transport = FuzzTransport.Raw,
            Method = method,
            Target = target,
            Raw = [.. Encoding.UTF8.GetBytes(text), .. body],
            MustBeAnswered = false,
        };
    }

    /// <summary>A request cut off somewhere (in the request line, the headers or the body), then the connection dropped.</summary>
    private FuzzCase AbortedCase()
    {
        var target = Pick(ValidPaths) + MaybeQuery();
        var method = Pick(Methods);
        var body = Encoding.UTF8.GetBytes(new string('b', random.Next(1, 2048)));
        var head = $"{method} {target} HTTP/1.1\r\nHost: {_authority}\r\nContent-Length: {body.Length.ToString(CultureInfo.InvariantCulture)}\r\n\r\n";
        byte[] raw = [.. Encoding.ASCII.GetBytes(head), .. body];
        return new FuzzCase
        {
            Transport = FuzzTransport.RawAborted,
            Method = method,
            Target = target,
            Raw = raw,
            AbortAfter = random.Next(1, raw.Length),
            AbortWithReset = Chance(50),
        };
    }

    private FuzzCase EventStreamCase()
    {
        var viaClient = Chance(40);
        var ending = (StreamEnding)random.Next(4);
        // Any query, but not one so long the request line is refused (414): this case is about what happens after the first message.
        var target = "/api/gateway/events" + (Chance(40) ? Query(force: true) : string.Empty);
        return new FuzzCase
        {
            Transport = FuzzTransport.EventStream,
            Method = HttpMethods.Get,
            Target = target,
            StreamEnding = viaClient && ending == StreamEnding.HalfClose ? StreamEnding.Park : ending,

            // A raw stream client speaks through a socket; HttpClient ones are marked by having headers.
            Headers = viaClient ? [new("Accept", "text/event-stream")] : [],
            Raw = viaClient
                ? []
                : Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: {_authority}\r\nAccept: text/event-stream\r\n\r\n"),
            MustBeAnswered = true,
        };
    }

    private string AnyMethod(bool lifecycleSafe)
    {
        // A random method on a random path can land on start/restart; keep those rare like the explicit lifecycle cases.
        var method = Chance(80) ? Pick(Methods) : Pick(JunkMethods);
        return lifecycleSafe && method == HttpMethods.Post && Chance(70) ? HttpMethods.Put : method;
    }

    private string OddPath()
    {
        var valid = Pick(ValidPaths);
        return random.Next(16) switch
        {
            0 => "/api/gateway",
            1 => "/api/gateway/",
            2 => valid + "/",
            3 => valid.ToUpperInvariant(),
            4 => valid + "/extra/segments",
            5 => "/api/gateway/../gateway/status",
            6 => "/api/gateway/%2e%2e/%2e%2e/etc/passwd",
            7 => "/api/gateway/..%2fstatus",
            8 => "/api/gateway//status",
            9 => "/api/gateway/./logs",
            10 => "/api/gateway/" + new string('a', random.Next(1000, 12_000)),
            11 => "/api/gateway/%73tatus",
            12 => "/api/gateway/st%61rt",
            13 => "/api/gateway/" + PercentEncoded(random.Next(1, 40)),
            14 => "/api/gateway/st\u00e4tus",
            _ => "/api/gateway/%00%C0%AE%FF" + RandomSegment(),
        };
    }

    private string MaybeQuery() => Chance(40) ? Query(force: false) : string.Empty;

    private string Query(bool force)
    {
        if (!force && Chance(10))
        {
            return "?" + new string('q', random.Next(1000, 10_000));
        }

        var parts = new List<string>();
        var count = random.Next(force ? 1 : 0, 5);
        for (var i = 0; i < count; i++)
        {
            parts.Add(Chance(10) ? Pick(QueryKeys) : Pick(QueryKeys) + "=" + Pick(QueryValues));
        }

        return parts.Count == 0 ? (Chance(50) ? "?" : string.Empty) : "?" + string.Join(Chance(90) ? "&" : ";", parts);
    }

    private (List<KeyValuePair<string, string>> Headers, bool ForeignOrigin, bool HostValid) Headers()
    {
        var headers = new List<KeyValuePair<string, string>>();
        var foreign = false;
        switch (random.Next(10))
        {
            case < 4:
                break;
            case < 6:
                headers.Add(new("Origin", "http://" + _authority));
                break;
            default:
                var origin = random.Next(9) switch
                {
                    0 => "http://evil.example",
                    1 => "http://127.0.0.1:1",
                    2 => "https://" + _authority,
                    3 => "null",
                    4 => "file://",
                    5 => "http://" + _authority + ".evil.example",
                    6 => "garbage !!",
                    7 => "http://" + new string('o', random.Next(100, 5000)) + ".example",
                    _ => "http://localhost.evil.example:" + port.ToString(CultureInfo.InvariantCulture),
                };
                headers.Add(new("Origin", origin));
                if (Chance(10))
                {
                    headers.Add(new("Origin", "http://" + _authority));
                }

                foreign = true;
                break;
        }

        if (Chance(10))
        {
            headers.Add(new("X-Fuzz", new string('h', random.Next(1000, 40_000))));
        }

        if (Chance(5))
        {
            for (var i = random.Next(20, 120); i > 0; i--)
            {
                headers.Add(new("X-Many-" + i.ToString(CultureInfo.InvariantCulture), RandomSegment()));
            }
        }

        if (Chance(20))
        {
            headers.Add(new("Content-Type", Pick(["application/json", "text/plain", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "¿?"])));
        }

        if (Chance(10))
        {
            headers.Add(new("Authorization", Pick(["Bearer x", "Bearer", "Basic Zm9vOmJhcg==", "Bearer " + new string('t', 500)])));
        }

        if (Chance(10))
        {
            headers.Add(new("Accept", Pick(["text/event-stream", "*/*", "application/json", "text/html;q=0.1"])));
        }

        if (Chance(5))
        {
            headers.Add(new("Cookie", "a=" + RandomSegment()));
        }

        // 5%: a Host the loopback binding must refuse (or none at all); only a raw request can send that.
        return (headers, foreign, !Chance(5));
    }

    private byte[] Body()
    {
        return random.Next(10) switch
        {
            < 5 => [],
            < 7 => Encoding.UTF8.GetBytes(Pick(JsonBodies)),
            7 => Encoding.UTF8.GetBytes(new string('[', random.Next(100, 5000))),
            8 => RandomBytes(random.Next(1, 4096)),
            _ => RandomBytes(random.Next(16 * 1024, 64 * 1024)),
        };
    }

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private string RandomSegment()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_.~";
        var chars = new char[random.Next(1, 20)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }

        return new string(chars);
    }

    private string PercentEncoded(int count)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            builder.Append('%').Append(random.Next(256).ToString("X2", CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }

    private static bool IsToken(string method) =>
        method.Length > 0 && method.All(c => c < 128 && (char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)));
}
