using System.Net;
using System.Text;
using KeepTrusts.Testing;

namespace KeepTrusts.Engine.Tests.Gateway.Hardening;

/// <summary>An upstream (or a proxy before it) that echoes the key it was sent must not pass the gateway's upstream secret on.</summary>
public sealed class UpstreamSecretEchoTests
{
    // The harness's target with retries off; only the audit setting is this test's.
    private static readonly string Config = GatewayHarness.SingleTarget(extra: GatewayHarness.NoRetries) + """
        policy:
          audit-logger: { log_all_access: true, content: redacted }
        """;

    [Theory]
    [InlineData("application/json", "{\"error\":{\"code\":\"401\",\"message\":\"Access denied: key '" + FakeAzureOpenAI.ApiKey + "' is not valid.\"}}")]
    [InlineData("text/html", "<html><body>bad key " + FakeAzureOpenAI.ApiKey + "</body></html>")]
    public async Task An_upstream_error_that_echoes_the_upstream_key_reaches_neither_client_nor_audit_with_it(string contentType, string upstreamBody)
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config, audit: audit);
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Raw(401, contentType, Encoding.UTF8.GetBytes(upstreamBody)));

        using var response = await harness.ChatAsync("hi");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(FakeAzureOpenAI.ApiKey, text);
        var record = audit.Records.Single(r => r.RequestId == response.Headers.GetValues("x-request-id").Single() && r.Status == 401);
        Assert.NotNull(record.UpstreamError);
        Assert.DoesNotContain(FakeAzureOpenAI.ApiKey, record.UpstreamError);
        Assert.Contains("[REDACTED:upstream-credential]", contentType == "application/json" ? text : record.UpstreamError);
    }

    // The key as JSON encoders write it: System.Text.Json's default encoder escapes '+' as \u002B, PHP's '/' as \/, Go's
    // '<' as \u003c; a client that parses the body reads the key back. One escaped character stands for any of them.
    private static readonly string EscapedKey = "\\u0066" + FakeAzureOpenAI.ApiKey[1..];

    [Fact]
    public async Task An_upstream_error_that_echoes_the_key_JSON_escaped_does_not_give_it_to_the_client_or_the_audit()
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config, audit: audit);
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Raw(401, "application/json", Encoding.UTF8.GetBytes(
            "{\"error\":{\"code\":\"401\",\"message\":\"Access denied: key '" + EscapedKey + "' is not valid.\"}}")));

        using var response = await harness.ChatAsync("hi");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var message = System.Text.Json.Nodes.JsonNode.Parse(text)!["error"]!["message"]!.GetValue<string>();
        Assert.Equal("Access denied: key '[REDACTED:upstream-credential]' is not valid.", message);
        var record = audit.Records.Single(r => r.Status == 401);
        Assert.DoesNotContain(FakeAzureOpenAI.ApiKey[1..], record.UpstreamError ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_error_event_that_echoes_the_key_JSON_escaped_does_not_give_it_to_the_client_or_the_audit()
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config, audit: audit);
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Raw(200, "text/event-stream", Encoding.UTF8.GetBytes(
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"}}]}\n\n" +
            "data: {\"error\":{\"message\":\"failed for key " + EscapedKey + "\",\"type\":\"server_error\",\"param\":null,\"code\":\"server_error\"}}\n\n")));

        using var response = await harness.ChatAsync(stream: true);
        var body = await response.Content.ReadAsStringAsync();

        var last = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)[^1];
        var message = System.Text.Json.Nodes.JsonNode.Parse(last["data: ".Length..])!["error"]!["message"]!.GetValue<string>();
        Assert.Equal("failed for key [REDACTED:upstream-credential]", message);
        var record = Assert.Single(audit.Records);
        Assert.Contains("[REDACTED:upstream-credential]", record.UpstreamError, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeAzureOpenAI.ApiKey[1..], record.UpstreamError, StringComparison.Ordinal);
    }
}
