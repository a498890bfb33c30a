using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using KeepTrusts.Testing;

namespace KeepTrusts.Engine.Tests.Gateway;

public sealed class GatewayInputTests
{
    private static async Task<(HttpStatusCode Status, JsonNode Error)> PostRawAsync(GatewayHarness harness, string body, string contentType = "application/json", string path = "/v1/chat/completions")
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await harness.Http.PostAsync(path, content);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return (response.StatusCode, json["error"]!);
    }

    [Theory]
    [InlineData("{\"model\":\"gpt-4o\",\"messages\":[", "invalid_json")]
    [InlineData("not json at all", "invalid_json")]
    [InlineData("[1,2,3]", "invalid_json")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "invalid_model")]
    [InlineData("{\"model\":42,\"messages\":[]}", "invalid_model")]
    [InlineData("{\"model\":\"gpt-4o\"}", "invalid_request")]
    [InlineData("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":5}]}", "invalid_request")]
    [InlineData("{\"model\":\"gpt-4o\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "invalid_request")]
    public async Task Malformed_requests_get_a_400_in_OpenAI_shape_and_never_reach_the_upstream(string body, string code)
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());

        var (status, error) = await PostRawAsync(harness, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(code, error["code"]!.ToString());
        Assert.Equal("invalid_request_error", error["type"]!.ToString());
        Assert.DoesNotContain("   at ", error["message"]!.ToString());
        Assert.Empty(harness.Fake.Requests);
    }

    [Fact]
    public async Task Deeply_nested_json_is_a_400()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());
        var body = "{\"model\":\"gpt-4o\",\"x\":" + new string('[', 200) + new string(']', 200) + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        var (status, error) = await PostRawAsync(harness, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_json", error["code"]!.ToString());
    }

    [Fact]
    public async Task Invalid_utf8_is_a_400()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());
        var bytes = Encoding.UTF8.GetBytes("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"X\"}]}");
        bytes[Array.IndexOf(bytes, (byte)'X')] = 0xC3;
        using var content = new ByteArrayContent(bytes);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");

        using var response = await harness.Http.PostAsync("/v1/chat/completions", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid_json", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Wrong_content_type_is_a_415()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());

        var (status, error) = await PostRawAsync(harness, "{}", "text/plain");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("unsupported_media_type", error["code"]!.ToString());
    }

    [Fact]
    public async Task Body_over_the_limit_is_a_413()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget() + "\ngateway: { max_request_body_bytes: 2048 }\n");

        var (status, error) = await PostRawAsync(harness, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('a', 4096) + "\"}]}");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("request_too_large", error["code"]!.ToString());
    }

    [Fact]
    public async Task Unknown_model_is_a_404_listing_the_configured_models()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());

        using var response = await harness.ChatAsync(model: "gpt-5-turbo");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("model_not_found", error["code"]!.ToString());
        Assert.Contains("gpt-4o", error["message"]!.ToString());
    }

    [Fact]
    public async Task Models_lists_the_configured_models()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());

        var models = JsonNode.Parse(await harness.Http.GetStringAsync("/v1/models"))!;

        Assert.Equal("list", models["object"]!.ToString());
        Assert.Equal("gpt-4o", models["data"]![0]!["id"]!.ToString());
    }

    [Fact]
    public async Task Health_ready_and_metrics_answer()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());
        (await harness.ChatAsync()).Dispose();

        Assert.Contains("live", await harness.Http.GetStringAsync("/healthz"));
        Assert.Contains("\"ready\"", await harness.Http.GetStringAsync("/readyz"));
        var metrics = await harness.Http.GetStringAsync("/metrics");
        foreach (var series in new[] { "kt_requests_total", "kt_request_duration_seconds_bucket", "kt_upstream_attempts_total", "kt_tokens_total", "kt_circuit_state" })
        {
            Assert.Contains(series, metrics);
        }
    }

    [Fact]
    public async Task Content_filter_400_reaches_the_client_unchanged_and_is_not_retried()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(extra: "      retry: { max_retries: 2, base_delay_ms: 1, max_delay_ms: 5 }\n"));
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.ContentFilter());

        using var response = await harness.ChatAsync("something violent");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("content_filter", body["error"]!["code"]!.ToString());
        Assert.Equal("ResponsibleAIPolicyViolation", body["error"]!["innererror"]!["code"]!.ToString());
        Assert.Equal("high", body["error"]!["innererror"]!["content_filter_result"]!["violence"]!["severity"]!.ToString());
        Assert.Single(harness.Fake.Requests);
        Assert.Contains("azure-content-filter=block", response.Headers.GetValues("x-keeptrusts-policy").Single());
        Assert.Contains("kt_policy_decisions_total{policy=\"azure-content-filter\",phase=\"request\",action=\"block\"} 1", await harness.Http.GetStringAsync("/metrics"));
    }

    [Fact]
    public async Task Truncated_upstream_json_is_a_502_not_a_500()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(extra: GatewayHarness.NoRetries));
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.TruncatedJson());

        using var response = await harness.ChatAsync();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("upstream_invalid_response", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Upstream_reset_mid_body_is_retried_then_answered()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(extra: "      retry: { max_retries: 1, base_delay_ms: 1, max_delay_ms: 5 }\n"));
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.ResetMidBody());

        using var response = await harness.ChatAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, harness.Fake.Requests.Count);
    }

    [Fact]
    public async Task Upstream_that_breaks_off_its_body_is_a_502_upstream_incomplete_in_plain_words()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(extra: GatewayHarness.NoRetries));
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.CutAfterHeaders());

        using var response = await harness.ChatAsync();
        var error = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_incomplete", error["code"]!.ToString());
        // It was reached: it answered and then cut its body. No .NET type or enum name in what the client reads.
        var message = error["message"]!.ToString();
        Assert.StartsWith("The upstream for model 'gpt-4o' (target 'azure-a') broke off its answer: ", message);
        Assert.DoesNotContain("Exception", message);
        Assert.DoesNotContain("ResponseEnded", message);
    }

    [Fact]
    public async Task Upstream_json_of_the_wrong_shape_is_a_502_that_does_not_call_it_incomplete()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(extra: GatewayHarness.NoRetries));
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Raw(200, "application/json",
            System.Text.Encoding.UTF8.GetBytes("""{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":{"a":1}}}]}""")));

        using var response = await harness.ChatAsync();
        var error = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_invalid_response", error["code"]!.ToString());
        Assert.DoesNotContain("not complete JSON", error["message"]!.ToString());
        Assert.Contains("wrong type or shape", error["message"]!.ToString());
    }

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21")]
    public async Task Upstream_chat_answer_without_choices_is_a_502_and_never_reaches_the_client_unchecked(string path)
    {
        var audit = new Hardening.RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(extra: GatewayHarness.NoRetries), audit: audit);
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Raw(200, "application/json", Encoding.UTF8.GetBytes("""{"foo":"my SSN is 123-45-6789"}""")));

        using var response = await harness.Http.PostAsync(path, new StringContent("""{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        var error = JsonNode.Parse(text)!["error"]!;

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_invalid_response", error["code"]!.ToString());
        Assert.Contains("no 'choices' array", error["message"]!.ToString());
        Assert.DoesNotContain("123-45-6789", text);
        var record = Assert.Single(audit.Records);
        Assert.Equal(502, record.Status);
        Assert.Equal("upstream_invalid_response", record.ErrorCode);
    }

    [Fact]
    public async Task Upstream_chat_answer_with_empty_choices_still_passes()
    {
        // Azure answers a prompt its content filter stopped with "choices": [] and the filter results.
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(extra: GatewayHarness.NoRetries));
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Raw(200, "application/json",
            Encoding.UTF8.GetBytes("""{"id":"x","object":"chat.completion","choices":[],"prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}],"extra_field":1}""")));

        using var response = await harness.ChatAsync();
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(body["choices"]!.AsArray());
    }

    [Fact]
    public async Task Upstream_embeddings_answer_without_data_is_a_502_naming_it()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(extra: GatewayHarness.NoRetries));
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Raw(200, "application/json",
            Encoding.UTF8.GetBytes("""{"object":"list","foo":"my SSN is 123-45-6789","usage":{"prompt_tokens":1,"total_tokens":1}}""")));

        var (status, error) = await PostRawAsync(harness, """{"model":"gpt-4o","input":"hi"}""", path: "/v1/embeddings");

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("upstream_invalid_response", error["code"]!.ToString());
        Assert.Contains("no 'data' array", error["message"]!.ToString());
    }

    [Fact]
    public async Task Upstream_responses_answer_without_output_is_a_502_naming_it()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(extra: GatewayHarness.NoRetries));
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Raw(200, "application/json",
            Encoding.UTF8.GetBytes("""{"id":"resp_1","object":"response","status":"completed","foo":"my SSN is 123-45-6789"}""")));

        var (status, error) = await PostRawAsync(harness, """{"model":"gpt-4o","input":"hi"}""", path: "/v1/responses");

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("upstream_invalid_response", error["code"]!.ToString());
        Assert.Contains("no 'output' array", error["message"]!.ToString());
        Assert.DoesNotContain("123-45-6789", error.ToJsonString());
    }

    [Theory]
    [InlineData("""{"foo":"my SSN is 123-45-6789"}""")]
    [InlineData("""{"id":"c1","object":"chat.completion.chunk","choices":null,"foo":"my SSN is 123-45-6789"}""")]
    public async Task Stream_chunk_without_choices_ends_the_stream_with_an_error_event_and_is_not_forwarded(string chunk) =>
        await AssertStreamEndsOnInvalidChunkAsync(chunk, "chunk without 'choices'");

    [Theory]
    [InlineData("""{"choices":"my SSN is 123-45-6789"}""")]
    [InlineData("""["my SSN is 123-45-6789"]""")]
    public async Task Stream_chunk_of_the_wrong_shape_ends_the_stream_with_an_error_event_and_is_not_forwarded(string chunk) =>
        await AssertStreamEndsOnInvalidChunkAsync(chunk, "not a chat.completion.chunk");

    private static async Task AssertStreamEndsOnInvalidChunkAsync(string chunk, string expectedMessage)
    {
        var audit = new Hardening.RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(extra: GatewayHarness.NoRetries), audit: audit);
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Raw(200, "text/event-stream", Encoding.UTF8.GetBytes(
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n"
            + "data: " + chunk + "\n\n"
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: [DONE]\n\n")));

        using var response = await harness.ChatAsync(stream: true);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("123-45-6789", text);
        Assert.Contains("\"code\":\"upstream_invalid_response\"", text);
        Assert.DoesNotContain("[DONE]", text);
        var last = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)[^1];
        var error = JsonNode.Parse(last[(last.IndexOf("data: ", StringComparison.Ordinal) + "data: ".Length)..])!["error"]!;
        Assert.Contains(expectedMessage, error["message"]!.ToString());
        var record = Assert.Single(audit.Records);
        Assert.Equal(502, record.Status);
        Assert.Equal("upstream_invalid_response", record.ErrorCode);
    }

    [Fact]
    public async Task Stream_with_empty_choices_filter_results_chunk_usage_chunk_and_unknown_fields_still_passes()
    {
        // Azure's first chunk carries the prompt filter results with "choices": []; the usage chunk has "choices": [] too.
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(extra: GatewayHarness.NoRetries));
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Raw(200, "text/event-stream", Encoding.UTF8.GetBytes(
            "data: {\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\",\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":{}}]}\n\n"
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hello\"}}],\"extra_field\":1}\n\n"
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}\n\n"
            + "data: [DONE]\n\n")));

        using var response = await harness.ChatAsync(stream: true);
        var text = await response.Content.ReadAsStringAsync();

        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("upstream_invalid_response", text);
        Assert.Equal("data: [DONE]", events[^1]);
        Assert.Contains("prompt_filter_results", events[0]);
        Assert.Contains("\"content\":\"hello\"", text);
        Assert.Contains("\"extra_field\":1", text);
        Assert.Contains("\"total_tokens\":4", events[^2]);
    }

    [Fact]
    public async Task A_stream_request_answered_with_plain_json_ends_with_an_error_event_naming_the_content_type()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(extra: GatewayHarness.NoRetries));
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Raw(200, "application/json",
            System.Text.Encoding.UTF8.GetBytes("""{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"hi"}}]}""")));

        using var response = await harness.ChatAsync(stream: true);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"code\":\"upstream_invalid_response\"", text);
        Assert.Contains("answered the stream request with application/json, not an event stream", text);
        Assert.DoesNotContain("ended the stream early", text);
    }

    [Fact]
    public async Task Upstream_that_never_answers_times_out_with_504()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(extra: "      timeout_seconds: 1\n      retry: { max_retries: 0 }\n"));
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.NeverAnswer());

        using var response = await harness.ChatAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("upstream_timeout", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Client_keys_are_required_when_configured()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget() + """

            gateway:
              client_keys:
                - { id: app1, secret_key_ref: { env: KT_TEST_CLIENT_KEY } }
            """);

        using var missing = await harness.ChatAsync();
        using var wrong = await harness.ChatAsync(bearer: "client-secret-key-124");
        using var right = await harness.ChatAsync(bearer: "client-secret-key-123");
        using var apiKeyRequest = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        apiKeyRequest.Headers.Add("api-key", "client-secret-key-123");
        using var viaApiKey = await harness.Http.SendAsync(apiKeyRequest);

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(HttpStatusCode.OK, viaApiKey.StatusCode);
        Assert.Equal(2, harness.Fake.Requests.Count);
        // The client's own key is never forwarded upstream; the upstream gets the target's key.
        Assert.All(harness.Fake.Requests, r => Assert.DoesNotContain("client-secret-key-123", string.Join(" ", r.Headers.Values)));
    }

    [Fact]
    public async Task Upstream_key_never_reaches_the_client()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(extra: GatewayHarness.NoRetries));
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Status(401));

        using var failed = await harness.ChatAsync();
        using var ok = await harness.ChatAsync();
        var text = await failed.Content.ReadAsStringAsync() + await ok.Content.ReadAsStringAsync() +
            string.Join(" ", failed.Headers.Concat(ok.Headers).SelectMany(h => h.Value)) + await harness.Http.GetStringAsync("/metrics");

        Assert.DoesNotContain(FakeAzureOpenAI.ApiKey, text);
    }

    [Fact]
    public async Task Graceful_shutdown_lets_in_flight_requests_finish()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Slow(TimeSpan.FromMilliseconds(800)));

        var inFlight = harness.ChatAsync("still answered");
        while (harness.Fake.Requests.IsEmpty)
        {
            await Task.Delay(10);
        }

        var stopping = harness.App.StopAsync();
        using var response = await inFlight;
        await stopping;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("still answered", await response.Content.ReadAsStringAsync());
    }
}
