using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Testing;

namespace KeepTrusts.Engine.Tests.Gateway.Hardening;

/// <summary>Issue 12's "Why" cases on the request path: each is a clear 4xx/502 in the client's shape, with one audit record and a metric.</summary>
public sealed class InputContractTests
{
    private const string Audited = """

        policy:
          audit-logger: { log_all_access: true, content: redacted }
        """;

    private static string Config(string limits = "") => GatewayHarness.SingleTarget(extra: GatewayHarness.NoRetries) + Audited +
        (limits.Length > 0 ? "\ngateway:\n  limits: { " + limits + " }\n" : string.Empty);

    private static async Task<(HttpStatusCode Status, JsonNode Body, string RequestId)> PostAsync(GatewayHarness harness, string body, string path = "/v1/chat/completions")
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        using var response = await harness.Http.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.False(string.IsNullOrEmpty(text), $"empty body with {(int)response.StatusCode}");
        return (response.StatusCode, JsonNode.Parse(text)!, response.Headers.GetValues("x-request-id").Single());
    }

    [Theory]
    [InlineData("""{"model":"gpt-4o","model":"x","messages":[{"role":"user","content":"hi"}]}""", "invalid_json", "duplicate_key")]
    [InlineData("""{"model":"gpt-4o","messages":[{"role":"user","content":"hi","\u0063ontent":"smuggled"}]}""", "invalid_json", "duplicate_key")]
    [InlineData("""{"model":"gpt-4o","messages":[{"role":"user","content":"a\ud800b"}]}""", "invalid_json", "lone_surrogate")]
    [InlineData("""{"model":"gpt-4o\udc00","messages":[{"role":"user","content":"hi"}]}""", "invalid_json", "lone_surrogate")]
    [InlineData("""{"model":"gpt-4o","messages":[{"role":"us\ud800er","content":"hi"}]}""", "invalid_json", "lone_surrogate")]
    [InlineData("""{"model":"gpt-4o","messages":[{"role":"user","content":"hi","k\ud800":1}]}""", "invalid_json", "lone_surrogate")]
    [InlineData("""{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":5}]}]}""", "invalid_request", null)]
    [InlineData("""{"model":"gpt-4o","stream":true,"stream_options":"yes","messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "wrong_type")]
    public async Task Malformed_client_json_is_a_400_with_an_audit_record_and_a_metric(string body, string code, string? reason)
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config(), audit: audit);

        var (status, json, requestId) = await PostAsync(harness, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(code, json["error"]!["code"]!.ToString());
        Assert.Equal("invalid_request_error", json["error"]!["type"]!.ToString());
        Assert.Empty(harness.Fake.Requests);
        var record = audit.Single(requestId);
        Assert.Equal(400, record.Status);
        Assert.Equal(code, record.ErrorCode);
        if (reason is not null)
        {
            Assert.Contains($"kt_invalid_input_total{{source=\"client\",reason=\"{reason}\"}} 1", await harness.Http.GetStringAsync("/metrics"));
        }
    }

    [Fact]
    public async Task Azure_dialect_client_gets_its_400_on_the_deployments_path()
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config(), audit: audit);

        var (status, json, requestId) = await PostAsync(harness, """{"messages":[{"role":"user","content":"hi"}],"messages":[]}""",
            "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_json", json["error"]!["code"]!.ToString());
        Assert.Contains("appears twice", json["error"]!["message"]!.ToString());
        Assert.Equal(400, audit.Single(requestId).Status);
    }

    [Theory]
    [InlineData("""{"id":"x","id":"y","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"hi"}}]}""")]
    [InlineData("""{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"a\ud800b"}}]}""")]
    public async Task Upstream_json_with_a_duplicate_key_or_lone_surrogate_is_a_502_with_an_audit_record(string upstreamBody)
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config(), audit: audit);
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Raw(200, "application/json", Encoding.UTF8.GetBytes(upstreamBody)));

        var (status, json, requestId) = await PostAsync(harness, """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("upstream_invalid_response", json["error"]!["code"]!.ToString());
        Assert.Equal(502, audit.Single(requestId).Status);
        Assert.Contains("kt_invalid_input_total{source=\"upstream\"", await harness.Http.GetStringAsync("/metrics"));
    }

    [Fact]
    public async Task Upstream_stream_event_with_a_lone_surrogate_ends_with_an_error_event_and_is_audited_as_a_stream()
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config(), audit: audit);
        var sse = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n" +
                  "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\\ud800b\"}}]}\n\n" +
                  "data: [DONE]\n\n";
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Raw(200, "text/event-stream", Encoding.UTF8.GetBytes(sse)));

        using var response = await harness.ChatAsync("hi", stream: true);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("upstream_invalid_response", text);
        Assert.DoesNotContain("[DONE]", text);
        var record = audit.Single(response.Headers.GetValues("x-request-id").Single());
        Assert.True(record.Stream);
        Assert.Equal(502, record.Status);
        Assert.Equal("upstream_invalid_response", record.ErrorCode);
        Assert.Equal(1, record.CompletionTokens);
    }

    [Fact]
    public async Task More_messages_than_max_messages_is_a_400_before_any_message_is_read()
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config("max_messages: 100"), audit: audit);
        var body = "{\"model\":\"gpt-4o\",\"messages\":[" + string.Join(",", Enumerable.Repeat("{\"role\":\"user\",\"content\":\"x\"}", 101)) + "]}";

        var (status, json, requestId) = await PostAsync(harness, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("too_many_messages", json["error"]!["code"]!.ToString());
        Assert.Contains("gateway.limits.max_messages", json["error"]!["message"]!.ToString());
        Assert.Equal(400, audit.Single(requestId).Status);
    }

    [Fact]
    public async Task More_text_than_max_text_chars_is_a_400()
    {
        await using var harness = await GatewayHarness.StartAsync(Config("max_text_chars: 2000"));

        var (status, json, _) = await PostAsync(harness, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('a', 2001) + "\"}]}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("text_too_long", json["error"]!["code"]!.ToString());
        Assert.Empty(harness.Fake.Requests);
    }

    [Fact]
    public async Task Upstream_answer_over_max_upstream_response_bytes_is_a_502_and_no_huge_audit_record()
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config("max_upstream_response_bytes: 1048576"), audit: audit);
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Huge(8 * 1024 * 1024, stream: false));

        var (status, json, requestId) = await PostAsync(harness, """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("upstream_response_too_large", json["error"]!["code"]!.ToString());
        Assert.Equal(502, audit.Single(requestId).Status);
        Assert.True(audit.LargestRecordBytes < 4096, $"largest audit record {audit.LargestRecordBytes} bytes");
    }

    [Fact]
    public async Task Upstream_stream_over_max_upstream_stream_bytes_ends_with_an_error_event()
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config("max_upstream_stream_bytes: 1048576"), audit: audit);
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Huge(8 * 1024 * 1024, stream: true));

        using var response = await harness.ChatAsync("hi", stream: true);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Contains("upstream_response_too_large", text);
        var record = audit.Single(response.Headers.GetValues("x-request-id").Single());
        Assert.True(record.Stream);
        Assert.Equal(502, record.Status);
    }

    [Fact]
    public async Task Audit_content_is_truncated_with_a_marker_and_the_full_length()
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config("max_audit_content_chars: 1000"), audit: audit);
        var prompt = string.Concat(Enumerable.Repeat("lorem ipsum ", 500));

        using var response = await harness.ChatAsync(prompt);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = audit.Single(response.Headers.GetValues("x-request-id").Single());
        Assert.StartsWith("lorem ipsum", record.PromptContent);
        Assert.EndsWith($"…[truncated: {prompt.Length} chars in all]", record.PromptContent);
        Assert.True(record.PromptContent!.Length < 1100);
        Assert.True(record.CompletionContent!.Length < 1100);
    }

    [Fact]
    public async Task Responses_stream_audit_content_is_truncated_like_a_chat_stream()
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config("max_audit_content_chars: 1000"), audit: audit);
        var prompt = string.Concat(Enumerable.Repeat("lorem ipsum ", 500));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/responses")
        {
            Content = new StringContent(new JsonObject { ["model"] = "gpt-4o", ["stream"] = true, ["input"] = prompt }.ToJsonString(), Encoding.UTF8, "application/json"),
        };

        using var response = await harness.Http.SendAsync(request);
        var events = await response.Content.ReadAsStringAsync();

        Assert.Contains("response.completed", events);
        var record = audit.Single(response.Headers.GetValues("x-request-id").Single());
        Assert.True(record.Stream);
        Assert.Matches(@"…\[truncated: \d+ chars in all\]$", record.CompletionContent);
        Assert.True(record.CompletionContent!.Length < 1100, $"{record.CompletionContent.Length} chars kept");
    }

    [Theory]
    [InlineData(503, "text/html", "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>", "upstream_error", "upstream_error")]
    [InlineData(500, "application/json", """{"error":{"code":"InternalServerError","message":"The server had an error."}}""", "upstream_error", "InternalServerError")]
    [InlineData(404, "application/json", """{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist."}}""", "invalid_request_error", "DeploymentNotFound")]
    public async Task Upstream_error_bodies_are_normalized_and_the_original_is_kept_in_the_audit_record(int upstreamStatus, string contentType, string body, string type, string code)
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config(), audit: audit);
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Raw(upstreamStatus, contentType, Encoding.UTF8.GetBytes(body)));

        var (status, json, requestId) = await PostAsync(harness, """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(upstreamStatus, (int)status);
        Assert.Equal(type, json["error"]!["type"]!.ToString());
        Assert.Equal(code, json["error"]!["code"]!.ToString());
        Assert.False(string.IsNullOrEmpty(json["error"]!["message"]!.ToString()));
        Assert.Equal(body, audit.Single(requestId).UpstreamError);
    }

    [Fact]
    public async Task Streams_are_audited_as_streams_with_the_usage_chunk_tokens()
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config(), audit: audit);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"one two three"}]}""", Encoding.UTF8, "application/json"),
        };

        using var response = await harness.Http.SendAsync(request);
        await response.Content.ReadAsStringAsync();

        var record = audit.Single(response.Headers.GetValues("x-request-id").Single());
        Assert.True(record.Stream);
        Assert.Equal(200, record.Status);
        Assert.True(record.PromptTokens > 0 && record.CompletionTokens > 0);
    }

    [Fact]
    public async Task A_stream_the_upstream_cuts_is_audited_as_a_stream_with_the_tokens_counted()
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config(), audit: audit);
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.StreamResetAfter(3, "one two three four five six"));

        using var response = await harness.ChatAsync("hi", stream: true);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Contains("upstream_incomplete", text);
        var record = audit.Single(response.Headers.GetValues("x-request-id").Single());
        Assert.True(record.Stream);
        Assert.Equal(3, record.CompletionTokens);
        Assert.True(record.PromptTokens > 0);
    }

    [Fact]
    public async Task A_stream_the_client_leaves_is_audited_as_a_stream_with_the_tokens_sent()
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config(), audit: audit);
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Ok("one two three four five six seven eight", streamDelayMs: 150));

        string requestId;
        using (var response = await harness.ChatAsync("hi", stream: true))
        {
            requestId = response.Headers.GetValues("x-request-id").Single();
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[4096];
            var seen = string.Empty;
            while (!seen.Contains("two", StringComparison.Ordinal))
            {
                var read = await body.ReadAsync(buffer);
                Assert.True(read > 0);
                seen += Encoding.UTF8.GetString(buffer, 0, read);
            }
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!audit.PerRequest.ContainsKey(requestId) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var record = audit.Single(requestId);
        Assert.True(record.Stream);
        Assert.True(record.CompletionTokens >= 2, $"completion tokens {record.CompletionTokens}");
    }

    [Fact]
    public async Task An_exception_in_a_stage_is_a_500_with_a_body_and_an_audit_record()
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config(), new PolicyChain([new ThrowingPolicy("boom")]), audit: audit);

        var (status, json, requestId) = await PostAsync(harness, """{"model":"gpt-4o","messages":[{"role":"user","content":"boom"}]}""");
        using var after = await harness.ChatAsync("still served");

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("internal_error", json["error"]!["code"]!.ToString());
        Assert.Contains(requestId, json["error"]!["message"]!.ToString());
        Assert.Equal(500, audit.Single(requestId).Status);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}
