using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using KeepTrusts.Testing;

namespace KeepTrusts.Engine.Tests.Gateway.Hardening;

/// <summary>
/// An upstream that fails mid-stream sends <c>data: {"error":{...}}</c> (OpenAI and Azure OpenAI do): the client gets
/// that error — type, code, message, with the key the gateway sent masked — as the stream's last event, without [DONE],
/// and the audit record keeps it; text in a choice beside the error is not forwarded.
/// </summary>
public sealed class UpstreamStreamErrorTests
{
    private static readonly string Config = GatewayHarness.SingleTarget(extra: GatewayHarness.NoRetries) + """
        policy:
          audit-logger: { log_all_access: true, content: redacted }
        """;

    // Plain text chunks: ChatChunkScan reads them without a typed parse (the fast path).
    private const string TextChunks =
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hello\"}}]}\n\n" +
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" there\"}}]}\n\n";

    // Tool-call chunks: the scan leaves them to the typed path.
    private const string ToolCallChunks =
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}}]}\n\n" +
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"a\\\":1\"}}]}}]}\n\n";

    private const string OpenAIServerError =
        "{\"error\":{\"message\":\"The server had an error while processing your request (key " + FakeAzureOpenAI.ApiKey + ").\",\"type\":\"server_error\",\"param\":null,\"code\":\"server_error\"}}";

    [Theory]
    [InlineData(TextChunks, "Hello there")]
    [InlineData(ToolCallChunks, null)]
    public async Task An_upstream_error_event_mid_stream_reaches_the_client_masked_and_is_audited(string before, string? text)
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config, audit: audit);
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Raw(200, "text/event-stream", Encoding.UTF8.GetBytes(
            before + "data: " + OpenAIServerError + "\n\n" +
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"after the error\"}}]}\n\ndata: [DONE]\n\n")));

        using var response = await harness.ChatAsync(stream: true);
        var events = await EventsAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(text, ConcatText(events));
        var error = events[^1]["error"]!;
        Assert.Equal(("server_error", "server_error"), (error["type"]!.ToString(), error["code"]!.ToString()));
        Assert.StartsWith("The server had an error while processing your request (key [REDACTED:upstream-credential])", error["message"]!.ToString(), StringComparison.Ordinal);
        Assert.True(error.AsObject().ContainsKey("param"));
        var all = string.Join("\n", events.Select(e => e.ToJsonString()));
        Assert.DoesNotContain(FakeAzureOpenAI.ApiKey, all, StringComparison.Ordinal);
        Assert.DoesNotContain("after the error", all, StringComparison.Ordinal);
        var record = Assert.Single(audit.Records);
        Assert.Equal((502, "server_error", true), (record.Status, record.ErrorCode, record.Stream));
        Assert.Contains("The server had an error", record.UpstreamError, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeAzureOpenAI.ApiKey, record.UpstreamError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TextChunks, "Hello there", null)]
    [InlineData(ToolCallChunks, null, "{\"a\":1")]
    public async Task Text_the_response_policies_held_back_is_released_before_the_upstream_error_event(string before, string? text, string? arguments)
    {
        // safety-filter holds back the word being written (it may complete a listed phrase): at the upstream's error that
        // tail goes out checked, as it does when an upstream closes a stream early, not dropped.
        var config = GatewayHarness.SingleTarget(extra: GatewayHarness.NoRetries) + """
            policies:
              chain: [safety-filter, audit-logger]
            policy:
              safety-filter: { mode: strict, action: block }
              audit-logger: { log_all_access: true, content: redacted }
            """;
        var chain = KeepTrusts.Engine.Policies.PolicyChainFactory.Create(
            KeepTrusts.Engine.Configuration.PolicyConfigLoader.LoadText(config.Replace("{base_url}", "https://127.0.0.1:1", StringComparison.Ordinal), "t.yaml", _ => true).Config!);
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(config, chain, audit: audit);
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Raw(200, "text/event-stream", Encoding.UTF8.GetBytes(before + "data: " + OpenAIServerError + "\n\n")));

        using var response = await harness.ChatAsync(stream: true);
        var events = await EventsAsync(response);

        Assert.Equal(text, ConcatText(events));
        var streamed = string.Concat(events.Select(e => e["choices"]?[0]?["delta"]?["tool_calls"]?[0]?["function"]?["arguments"]?.GetValue<string>()));
        Assert.Equal(arguments ?? string.Empty, streamed);
        Assert.Equal("server_error", events[^1]["error"]!["code"]!.ToString());
        var record = Assert.Single(audit.Records);
        Assert.Equal((502, "server_error"), (record.Status, record.ErrorCode));
        if (text is not null)
        {
            Assert.Equal(text, record.CompletionContent);   // the audit keeps what the client got
        }
    }

    [Fact]
    public async Task A_held_tail_a_policy_blocks_at_the_upstream_error_ends_the_stream_as_a_block_only()
    {
        // The e-mail address is the word being written when the error comes: released at the error, it is blocked.
        var config = GatewayHarness.SingleTarget(extra: GatewayHarness.NoRetries) + """
            policies:
              chain: [pii-detector, audit-logger]
            policy:
              pii-detector: { action: block }
              audit-logger: { log_all_access: true, content: redacted }
            """;
        var chain = KeepTrusts.Engine.Policies.PolicyChainFactory.Create(
            KeepTrusts.Engine.Configuration.PolicyConfigLoader.LoadText(config.Replace("{base_url}", "https://127.0.0.1:1", StringComparison.Ordinal), "t.yaml", _ => true).Config!);
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(config, chain, audit: audit);
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Raw(200, "text/event-stream", Encoding.UTF8.GetBytes(
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Write to jane.doe@\"}}]}\n\n" +
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"contoso.com\"}}]}\n\n" +
            "data: " + OpenAIServerError + "\n\n")));

        using var response = await harness.ChatAsync(stream: true);
        var body = await response.Content.ReadAsStringAsync();

        Assert.DoesNotContain("contoso.com", body, StringComparison.Ordinal);
        Assert.Contains("\"finish_reason\":\"content_filter\"", body, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"error\"", body, StringComparison.Ordinal);
        var record = Assert.Single(audit.Records);
        Assert.Equal((400, "pii-detector"), (record.Status, record.ErrorCode));
        Assert.Contains("The server had an error", record.UpstreamError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_Azure_error_event_without_type_gets_OpenAIs_fields_and_a_choice_beside_it_is_not_forwarded()
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config, audit: audit);
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Raw(200, "text/event-stream", Encoding.UTF8.GetBytes(
            TextChunks +
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"my SSN is 123-45-6789\"}}],\"error\":{\"code\":500,\"message\":\"Internal error\"}}\n\n")));

        using var response = await harness.ChatAsync(stream: true);
        var events = await EventsAsync(response);

        var error = events[^1]["error"]!;
        Assert.Equal(("Internal error", "upstream_error", "500"), (error["message"]!.ToString(), error["type"]!.ToString(), error["code"]!.ToString()));
        Assert.Null(error["param"]);
        Assert.DoesNotContain("123-45-6789", string.Join("\n", events.Select(e => e.ToJsonString())), StringComparison.Ordinal);
        Assert.Equal((502, "500"), (audit.Records.Single().Status, audit.Records.Single().ErrorCode));
    }

    [Fact]
    public async Task A_null_error_member_is_an_ordinary_chunk()
    {
        await using var harness = await GatewayHarness.StartAsync(Config);
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Raw(200, "text/event-stream", Encoding.UTF8.GetBytes(
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"error\":null,\"choices\":[{\"index\":0,\"delta\":{\"content\":\"fine\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")));

        using var response = await harness.ChatAsync(stream: true);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains("\"content\":\"fine\"", body, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("error", "{\"type\":\"error\",\"code\":\"server_error\",\"message\":\"failed with key " + FakeAzureOpenAI.ApiKey + "\",\"param\":null,\"sequence_number\":2}")]
    [InlineData("response.failed", "{\"type\":\"response.failed\",\"sequence_number\":2,\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"failed\",\"model\":\"gpt-4o\",\"output\":[],\"error\":{\"code\":\"server_error\",\"message\":\"failed with key " + FakeAzureOpenAI.ApiKey + "\"}}}")]
    public async Task A_responses_stream_failure_event_is_passed_on_masked_and_recorded_as_an_upstream_error(string eventType, string data)
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config, audit: audit);
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Raw(200, "text/event-stream", Encoding.UTF8.GetBytes(
            "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":1,\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"in_progress\",\"model\":\"gpt-4o\",\"output\":[]}}\n\n" +
            "event: " + eventType + "\ndata: " + data + "\n\n")));

        using var content = new StringContent("{\"model\":\"gpt-4o\",\"stream\":true,\"input\":\"hi\"}", Encoding.UTF8, "application/json");
        using var response = await harness.Http.PostAsync("/v1/responses", content);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains("event: " + eventType, body, StringComparison.Ordinal);
        Assert.Contains("failed with key [REDACTED:upstream-credential]", body, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeAzureOpenAI.ApiKey, body, StringComparison.Ordinal);
        var record = Assert.Single(audit.Records);
        Assert.Equal((502, "upstream_error"), (record.Status, record.ErrorCode));
        Assert.Contains("[REDACTED:upstream-credential]", record.UpstreamError, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeAzureOpenAI.ApiKey, record.UpstreamError, StringComparison.Ordinal);
    }

    private static async Task<List<JsonNode>> EventsAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
        return body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => JsonNode.Parse(e[(e.IndexOf("data: ", StringComparison.Ordinal) + "data: ".Length)..])!)
            .ToList();
    }

    private static string? ConcatText(List<JsonNode> events)
    {
        var text = string.Concat(events.Select(e => e["choices"]?[0]?["delta"]?["content"]?.GetValue<string>()));
        return text.Length == 0 ? null : text;
    }
}
