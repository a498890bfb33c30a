using System.Text;
using System.Text.Json;

namespace KeepTrusts.Engine.Gateway.Input;

/// <summary>
/// The credential the gateway sent upstream, removed from an upstream's error body before the client or the audit
/// record sees it: an upstream (or a proxy in front of it) that echoes the key or token it was given in its error
/// message must not hand the gateway's upstream secret to a client. Found as sent and, in JSON, with its characters
/// escaped the way JSON encoders write them; a key the upstream encodes otherwise (base64, HTML entities) is not found.
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
        if (body.AsSpan().IndexOf(needle) >= 0)
        {
            body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace(secret, Mask, StringComparison.Ordinal));
        }

        // JSON encoders escape characters a key may hold (System.Text.Json '+' as \u002B, PHP '/' as \/): a client that
        // parses the body reads the key back, so JSON strings with an escape are compared decoded.
        return body.AsSpan().IndexOf((byte)'\\') >= 0 ? ReplaceInEscapedJsonStrings(body, secret) : body;
    }

    private static byte[] ReplaceInEscapedJsonStrings(byte[] body, string secret)
    {
        List<(int Start, int Length, byte[] Encoded)>? edits = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped &&
                    Decoded(ref reader) is { } value && value.Contains(secret, StringComparison.Ordinal))
                {
                    // Between the quotes: the token's raw (escaped) bytes, replaced by the masked value, escaped again.
                    var encoded = JsonEncodedText.Encode(value.Replace(secret, Mask, StringComparison.Ordinal)).EncodedUtf8Bytes.ToArray();
                    (edits ??= []).Add(((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, encoded));
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (HTML, text) or cut short: the strings read before that point are still masked.
        }

        if (edits is null)
        {
            return body;
        }

        using var result = new MemoryStream(body.Length + (edits.Count * Mask.Length));
        var at = 0;
        foreach (var (start, length, encoded) in edits)
        {
            result.Write(body.AsSpan(at, start - at));
            result.Write(encoded);
            at = start + length;
        }

        result.Write(body.AsSpan(at));
        return result.ToArray();
    }

    /// <summary>The string's value, or null when its escapes are no valid UTF-16 (a lone surrogate): skipped, not fatal.</summary>
    private static string? Decoded(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
