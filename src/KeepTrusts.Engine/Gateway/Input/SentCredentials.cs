using System.Text;

namespace KeepTrusts.Engine.Gateway.Input;

/// <summary>
/// The credential the gateway sent upstream, removed from an upstream's error body before the client or the audit
/// record sees it: an upstream (or a proxy in front of it) that echoes the key or token it was given in its error
/// message must not hand the gateway's upstream secret to a client.
/// </summary>
internal static class SentCredentials
{
    public const string Mask = "[REDACTED:upstream-credential]";

    // Shorter values are no secret worth the risk of masking ordinary words in a message.
    private const int MinimumLength = 8;

    public static byte[] Scrub(byte[] body, HttpRequestMessage? sent, string apiKeyHeader)
    {
        if (sent is null || body.Length == 0)
        {
            return body;
        }

        var result = body;
        result = ScrubHeader(result, sent, apiKeyHeader);
        if (!string.Equals(apiKeyHeader, "Authorization", StringComparison.OrdinalIgnoreCase))
        {
            result = ScrubHeader(result, sent, "Authorization");
        }

        return result;
    }

    private static byte[] ScrubHeader(byte[] body, HttpRequestMessage sent, string header)
    {
        if (!sent.Headers.TryGetValues(header, out var values))
        {
            return body;
        }

        foreach (var value in values)
        {
            body = Replace(body, value);
            // A prefixed key ("Bearer <key>", a configured api_key_prefix): the key alone too.
            var space = value.LastIndexOf(' ');
            if (space >= 0)
            {
                body = Replace(body, value[(space + 1)..]);
            }
        }

        return body;
    }

    private static byte[] Replace(byte[] body, string secret)
    {
        if (secret.Length < MinimumLength)
        {
            return body;
        }

        var needle = Encoding.UTF8.GetBytes(secret);
        if (body.AsSpan().IndexOf(needle) < 0)
        {
            return body;
        }

        return Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace(secret, Mask, StringComparison.Ordinal));
    }
}
