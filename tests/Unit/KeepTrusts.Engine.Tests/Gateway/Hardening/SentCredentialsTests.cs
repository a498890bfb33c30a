using System.Text;
using System.Text.Json.Nodes;
using KeepTrusts.Engine.Gateway.Input;

namespace KeepTrusts.Engine.Tests.Gateway.Hardening;

/// <summary>The key kt sent upstream, found in an upstream body however a JSON encoder wrote it.</summary>
public sealed class SentCredentialsTests
{
    // A base64-style key: '+' and '/' are what JSON encoders escape.
    private const string Key = "az9Kp+Q2/upstreamKEYzz7Wm+4=";

    [Theory]
    [InlineData("as sent", "az9Kp+Q2/upstreamKEYzz7Wm+4=")]
    [InlineData("System.Text.Json", "az9Kp\\u002BQ2/upstreamKEYzz7Wm\\u002B4=")]
    [InlineData("lower-case hex", "az9Kp\\u002bQ2/upstreamKEYzz7Wm\\u002b4=")]
    [InlineData("PHP's \\/", "az9Kp+Q2\\/upstreamKEYzz7Wm+4=")]
    [InlineData("every character escaped", "\\u0061\\u007a\\u0039\\u004b\\u0070\\u002b\\u0051\\u0032\\u002f\\u0075\\u0070\\u0073\\u0074\\u0072\\u0065\\u0061\\u006d\\u004b\\u0045\\u0059\\u007a\\u007a\\u0037\\u0057\\u006d\\u002b\\u0034\\u003d")]
    public void A_key_in_a_JSON_error_body_is_masked_however_it_was_escaped(string how, string written)
    {
        var body = Encoding.UTF8.GetBytes("{\"error\":{\"message\":\"bad key " + written + " (\\\"quoted\\\")\",\"code\":\"401\"},\"" + written + "\":1}");

        var masked = SentCredentials.Scrub(body, Sent(), "api-key");

        var parsed = JsonNode.Parse(masked)!;
        Assert.Equal("bad key [REDACTED:upstream-credential] (\"quoted\")", parsed["error"]!["message"]!.GetValue<string>());
        Assert.Equal("401", parsed["error"]!["code"]!.GetValue<string>());
        Assert.DoesNotContain(Key, parsed.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }), StringComparison.Ordinal);
        Assert.True(parsed.AsObject().ContainsKey("[REDACTED:upstream-credential]"), how);
    }

    [Fact]
    public void A_string_that_cannot_be_decoded_is_skipped_and_the_key_after_it_still_masked()
    {
        // A lone surrogate escape (the fuzz suite's upstream bodies have them) makes a string undecodable as UTF-16.
        var body = Encoding.UTF8.GetBytes("{\"error\":{\"message\":\"a\\ud800b\",\"param\":\"az9Kp\\u002BQ2/upstreamKEYzz7Wm\\u002B4=\"}}");

        var masked = Encoding.UTF8.GetString(SentCredentials.Scrub(body, Sent(), "api-key"));

        Assert.Equal("{\"error\":{\"message\":\"a\\ud800b\",\"param\":\"[REDACTED:upstream-credential]\"}}", masked);
    }

    [Fact]
    public void A_body_that_is_not_JSON_keeps_its_bytes_apart_from_the_key()
    {
        var body = Encoding.UTF8.GetBytes("<html><body>bad key " + Key + " \\u0041</body></html>");

        var masked = Encoding.UTF8.GetString(SentCredentials.Scrub(body, Sent(), "api-key"));

        Assert.Equal("<html><body>bad key [REDACTED:upstream-credential] \\u0041</body></html>", masked);
    }

    [Fact]
    public void A_body_without_the_key_is_returned_as_it_came()
    {
        var body = Encoding.UTF8.GetBytes("{\"error\":{\"message\":\"rate limited \\u002B retry\"}}");

        Assert.Same(body, SentCredentials.Scrub(body, Sent(), "api-key"));
    }

    private static HttpRequestMessage Sent()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1/");
        request.Headers.TryAddWithoutValidation("api-key", Key);
        return request;
    }
}
