using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using KeepTrusts.Testing;
using OpenAI;
using OpenAI.Chat;

namespace KeepTrusts.Engine.Tests.Gateway;

public sealed class GatewayStreamingTests
{
    private static ChatClient SdkClient(GatewayHarness harness, string model = "gpt-4o") =>
        new(model, new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(harness.Url + "/v1") });

    [Fact]
    public async Task OpenAI_sdk_completes_a_chat_through_the_gateway()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());

        ChatCompletion completion = await SdkClient(harness).CompleteChatAsync(
            [new SystemChatMessage("You are a helpful assistant."), new UserChatMessage("What are the benefits of Azure AI services?")],
            new ChatCompletionOptions { Temperature = 0.7f, MaxOutputTokenCount = 512 });

        Assert.Equal("Hello from gpt-4o: What are the benefits of Azure AI services?", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.True(completion.Usage.InputTokenCount > 0);
    }

    [Fact]
    public async Task OpenAI_sdk_streams_chunks_in_order_through_the_gateway()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());
        var pieces = new List<string>();

        await foreach (var update in SdkClient(harness).CompleteChatStreamingAsync([new UserChatMessage("one two three four")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                pieces.Add(part.Text);
            }
        }

        Assert.Equal("Hello from gpt-4o: one two three four", string.Concat(pieces));
        Assert.True(pieces.Count >= 6, $"expected one chunk per word, got {pieces.Count}");
    }

    [Fact]
    public async Task Stream_passes_chunks_filter_results_usage_and_done_unchanged()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"a b"}]}""", Encoding.UTF8, "application/json"),
        };

        using var response = await harness.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("data: [DONE]", events[^1]);
        Assert.Contains("prompt_filter_results", events[0]);
        Assert.Contains(events, e => e.Contains("content_filter_results"));
        var usage = JsonNode.Parse(events[^2]["data: ".Length..])!["usage"]!;
        Assert.True(usage["total_tokens"]!.GetValue<int>() > 0);
        var content = string.Concat(events.Where(e => e != "data: [DONE]")
            .Select(e => JsonNode.Parse(e["data: ".Length..])!["choices"]!.AsArray())
            .SelectMany(c => c).Select(c => c!["delta"]?["content"]?.ToString()));
        Assert.Equal("Hello from gpt-4o: a b", content);
        // No policies configured: the upstream's bytes are forwarded as they were.
        Assert.Contains("""{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":""", text);
    }

    [Fact]
    public async Task Stream_reaches_the_client_chunk_by_chunk_not_buffered()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.StreamStallAfter(2, TimeSpan.FromSeconds(3), text: "first second third"));

        using var response = await harness.ChatAsync(stream: true);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var seen = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        while (!seen.ToString().Contains("second"))
        {
            var line = await reader.ReadLineAsync(timeout.Token);
            Assert.NotNull(line);
            seen.AppendLine(line);
        }

        // The upstream is still stalled (3 s) while the first two words already arrived within 2 s.
        Assert.Contains("first", seen.ToString());
    }

    [Fact]
    public async Task Client_disconnect_cancels_the_upstream_call()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.StreamStallAfter(1, TimeSpan.FromSeconds(30)));

        var response = await harness.ChatAsync(stream: true);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        await reader.ReadLineAsync();
        response.Dispose();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (harness.Fake.AbortedByClient == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(1, harness.Fake.AbortedByClient);
    }

    [Fact]
    public async Task Idle_stream_is_ended_after_stream_timeout_seconds_with_an_error_event()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(extra: "      stream_timeout_seconds: 1\n"));
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.StreamStallAfter(1, TimeSpan.FromSeconds(20)));

        using var response = await harness.ChatAsync(stream: true);
        var text = await response.Content.ReadAsStringAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Contains("upstream_stream_timeout", text);
        Assert.DoesNotContain("[DONE]", text);
    }

    [Fact]
    public async Task Upstream_reset_mid_stream_ends_the_stream_with_an_error_event()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.StreamResetAfter(2));

        using var response = await harness.ChatAsync(stream: true);
        var text = await response.Content.ReadAsStringAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(text.Contains("upstream_incomplete"), $"requests={harness.Fake.Requests.Count} aborted={harness.Fake.AbortedByClient}");
        Assert.DoesNotContain("[DONE]", text);
    }

    [Fact]
    public async Task Stream_is_retried_when_the_failure_comes_before_the_first_byte()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(extra: "      retry: { max_retries: 1, base_delay_ms: 1, max_delay_ms: 10 }\n"));
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Status(503));

        using var response = await harness.ChatAsync("retry me", stream: true);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.EndsWith("data: [DONE]\n\n", text);
        Assert.Equal(2, harness.Fake.Requests.Count);
    }
}
