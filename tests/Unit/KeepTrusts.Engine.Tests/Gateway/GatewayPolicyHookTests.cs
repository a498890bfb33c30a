using System.Net;
using System.Text.Json.Nodes;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Testing;

namespace KeepTrusts.Engine.Tests.Gateway;

/// <summary>The hook points the policy chain plugs into: requests, complete responses and every streamed chunk.</summary>
public sealed class GatewayPolicyHookTests
{
    private static PolicyChain Chain() => new([new WordPolicy(blockWord: "forbidden", redactWord: "swordfish")]);

    [Fact]
    public async Task Request_block_answers_400_policy_violation_and_never_calls_the_upstream()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(), Chain());

        using var response = await harness.ChatAsync("this is forbidden");
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("policy_violation", error["type"]!.ToString());
        Assert.Equal("word-policy", error["code"]!.ToString());
        Assert.Empty(harness.Fake.Requests);
    }

    [Fact]
    public async Task Request_redaction_changes_what_the_upstream_receives_and_only_that()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(), Chain());

        using var response = await harness.ChatAsync("the password is swordfish, ok");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = JsonNode.Parse(Assert.Single(harness.Fake.Requests).Body)!;
        Assert.Equal("the password is [REDACTED], ok", sent["messages"]![0]!["content"]!.ToString());
        Assert.Equal("gpt-4o", sent["model"]!.ToString());
        Assert.Contains("word-policy=redact(1)", response.Headers.GetValues("x-keeptrusts-policy").Single());
    }

    [Fact]
    public async Task Multi_part_content_and_tool_arguments_are_checked()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(), Chain());
        var body = """
            {"model":"gpt-4o","messages":[
              {"role":"user","content":[{"type":"text","text":"part swordfish"},{"type":"image_url","image_url":{"url":"https://example.invalid/x.png"}}]},
              {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"q\":\"swordfish\"}"}}]},
              {"role":"tool","tool_call_id":"c1","content":"result swordfish"}]}
            """;

        using var response = await harness.Http.PostAsync("/v1/chat/completions", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(harness.Fake.Requests).Body;
        Assert.DoesNotContain("swordfish", sent);
        Assert.Contains("https://example.invalid/x.png", sent);
    }

    [Fact]
    public async Task Response_redaction_applies_to_complete_answers()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(), Chain());
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Ok("the answer is swordfish"));

        using var response = await harness.ChatAsync("tell me");
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal("the answer is [REDACTED]", answer["choices"]![0]!["message"]!["content"]!.ToString());
        // Everything else the upstream sent is still there, in its order: the answer is re-written, not re-modelled.
        Assert.Equal(["id", "object", "created", "model", "prompt_filter_results", "choices", "usage"], answer.AsObject().Select(p => p.Key));
        Assert.Equal("chatcmpl-fake", answer["id"]!.ToString());
        Assert.Equal(1700000000, answer["created"]!.GetValue<long>());
        Assert.Equal("safe", answer["prompt_filter_results"]![0]!["content_filter_results"]!["hate"]!["severity"]!.ToString());
        Assert.Equal("safe", answer["choices"]![0]!["content_filter_results"]!["violence"]!["severity"]!.ToString());
        Assert.Equal("stop", answer["choices"]![0]!["finish_reason"]!.ToString());
    }

    [Fact]
    public async Task Response_block_replaces_the_answer_with_a_policy_error()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(), Chain());
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Ok("this is forbidden text"));

        using var response = await harness.ChatAsync("tell me");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("policy_violation", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Stream_redacts_a_word_split_across_chunks()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(), Chain());
        // The fake streams word by word; "sword" and "fish" arrive in separate chunks.
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Ok("the key is sword fish and swordfish end"));

        using var response = await harness.ChatAsync("tell me", stream: true);
        var text = await response.Content.ReadAsStringAsync();
        var content = string.Concat(text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(e => e.StartsWith("data: {", StringComparison.Ordinal))
            .SelectMany(e => JsonNode.Parse(e[6..])!["choices"]!.AsArray())
            .Select(c => c!["delta"]?["content"]?.ToString()));

        Assert.Equal("the key is sword fish and [REDACTED] end", content);
        Assert.EndsWith("data: [DONE]\n\n", text);
    }

    [Fact]
    public async Task Stream_redaction_replaces_only_the_text_and_keeps_the_rest_of_the_upstreams_chunk_as_it_came()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(), Chain());
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Ok("one swordfish two"));

        using var response = await harness.ChatAsync("tell me", stream: true);
        var chunks = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(e => e.StartsWith("data: {", StringComparison.Ordinal)).Select(e => e[6..]).ToList();

        // The redacted chunk differs from an untouched one of the same stream only in its text: same fields in the
        // same order (Azure's content_filter_results included), so the bytes around the text are the upstream's.
        var redacted = chunks.Single(c => c.Contains("[REDACTED]", StringComparison.Ordinal));
        var untouched = chunks.First(c => c.Contains("\"two", StringComparison.Ordinal));
        Assert.DoesNotContain("[REDACTED]", untouched, StringComparison.Ordinal);
        Assert.Equal(Shape(untouched), Shape(redacted));
        Assert.Equal(WithoutText(untouched), WithoutText(redacted));

        static string WithoutText(string json) =>
            json.Replace(System.Text.Json.JsonSerializer.Serialize(JsonNode.Parse(json)!["choices"]![0]!["delta"]!["content"]!.ToString()), "\"\"", StringComparison.Ordinal);

        static string Shape(string json)
        {
            var node = JsonNode.Parse(json)!.AsObject();
            var choice = node["choices"]![0]!.AsObject();
            return string.Join(",", node.Select(p => p.Key)) + "|" + string.Join(",", choice.Select(p => p.Key)) + "|" + string.Join(",", choice["delta"]!.AsObject().Select(p => p.Key));
        }
    }

    [Fact]
    public async Task Stream_block_ends_the_stream_with_a_content_filter_chunk_naming_the_policy_then_done()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(), Chain());
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Ok("harmless words then forbidden words"));

        using var response = await harness.ChatAsync("tell me", stream: true);
        var text = await response.Content.ReadAsStringAsync();

        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("data: [DONE]", events[^1]);
        var last = JsonNode.Parse(events[^2]["data: ".Length..])!["choices"]![0]!;
        Assert.Equal("content_filter", last["finish_reason"]!.ToString());
        Assert.Equal("word-policy", last["content_filter_results"]!["keeptrusts"]!["policy"]!.ToString());
        Assert.True(last["content_filter_results"]!["keeptrusts"]!["filtered"]!.GetValue<bool>());
        Assert.DoesNotContain("forbidden", text);
    }

    [Fact]
    public async Task Zero_policies_forward_the_request_bytes_unchanged()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(), PolicyChain.Empty);
        const string body = """{"model":"gpt-4o",  "messages":[{"role":"user","content":"spacing  kept"}], "custom_field": {"a": 1}}""";

        using var response = await harness.Http.PostAsync("/v1/chat/completions", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, Assert.Single(harness.Fake.Requests).Body);
    }
}
