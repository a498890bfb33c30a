using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Testing;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;
using OpenAI.Models;
using OpenAI.Responses;

#pragma warning disable OPENAI001 // The Responses client is marked experimental in the SDK.

namespace KeepTrusts.Engine.Tests.Gateway;

/// <summary>The official OpenAI .NET client pointed at the gateway: Responses, models, embeddings, tools and stream endings.</summary>
public sealed class OpenAIFrontDoorTests
{
    private static OpenAIClient Client(GatewayHarness harness) =>
        new(new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(harness.Url + "/v1") });

    private static PolicyChain Chain() => new([new WordPolicy(blockWord: "forbidden", redactWord: "swordfish")]);

    [Fact]
    public async Task Responses_create_goes_to_the_Azure_v1_responses_path_and_back()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());

        ResponseResult response = await Client(harness).GetResponsesClient().CreateResponseAsync("gpt-4o", "hello responses");

        Assert.Equal("Hello from gpt-4o: hello responses", response.GetOutputText());
        Assert.Equal("/openai/v1/responses", Assert.Single(harness.Fake.Requests).Path);
    }

    [Fact]
    public async Task Responses_stream_delivers_text_deltas_and_completes()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(), Chain());
        var text = new StringBuilder();
        var completed = false;

        await foreach (var update in await Client(harness).GetResponsesClient().CreateResponseStreamingAsync("gpt-4o", "one two swordfish"))
        {
            if (update is StreamingResponseOutputTextDeltaUpdate delta)
            {
                text.Append(delta.Delta);
            }

            completed |= update is StreamingResponseCompletedUpdate;
        }

        Assert.True(completed);
        Assert.Equal("Hello from gpt-4o: one two [REDACTED]", text.ToString());
    }

    [Fact]
    public async Task Responses_stream_stopped_by_a_policy_ends_with_response_incomplete_naming_it()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(), Chain());
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Ok("harmless words then forbidden words"));
        var text = new StringBuilder();
        StreamingResponseIncompleteUpdate? incomplete = null;

        await foreach (var update in await Client(harness).GetResponsesClient().CreateResponseStreamingAsync("gpt-4o", "tell me"))
        {
            if (update is StreamingResponseOutputTextDeltaUpdate delta)
            {
                text.Append(delta.Delta);
            }

            incomplete ??= update as StreamingResponseIncompleteUpdate;
        }

        Assert.NotNull(incomplete);
        Assert.Equal("word-policy", incomplete.Response.Metadata["keeptrusts_policy"]);
        Assert.DoesNotContain("forbidden", text.ToString());
    }

    [Fact]
    public async Task Responses_request_block_is_a_400_policy_violation()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(), Chain());

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Client(harness).GetResponsesClient().CreateResponseAsync("gpt-4o", "this is forbidden"));

        Assert.Equal(400, error.Status);
        Assert.Contains("policy_violation", error.GetRawResponse()!.Content.ToString());
        Assert.Empty(harness.Fake.Requests);
    }

    [Fact]
    public async Task Responses_to_a_target_behind_a_path_template_is_a_clear_400()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(
            extra: "      path_template: /openai/deployments/{deployment}/chat/completions\n"));

        using var response = await harness.Http.PostAsync("/v1/responses", new StringContent("""{"model":"gpt-4o","input":"hi"}""", Encoding.UTF8, "application/json"));
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("operation_not_supported", error["code"]!.ToString());
        Assert.Contains("azure-a", error["message"]!.ToString());
        Assert.Empty(harness.Fake.Requests);
    }

    [Fact]
    public async Task Models_list_and_get_by_id_work_with_the_sdk()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());
        var models = Client(harness).GetOpenAIModelClient();

        OpenAIModelCollection all = await models.GetModelsAsync();
        OpenAIModel one = await models.GetModelAsync("gpt-4o");
        var missing = await Assert.ThrowsAsync<ClientResultException>(() => models.GetModelAsync("nope"));

        Assert.Equal(["gpt-4o"], all.Select(m => m.Id));
        Assert.Equal("gpt-4o", one.Id);
        Assert.Equal(404, missing.Status);
    }

    [Fact]
    public async Task Embeddings_work_with_the_sdk()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());

        OpenAIEmbeddingCollection embeddings = await Client(harness).GetEmbeddingClient("gpt-4o").GenerateEmbeddingsAsync(["a", "b"]);

        Assert.Equal(2, embeddings.Count);
    }

    [Fact]
    public async Task Tool_definitions_pass_through_and_tool_calls_come_back_to_the_sdk()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(), Chain());
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.ToolCall("get_weather", """{"city":"Oslo"}"""));
        var options = new ChatCompletionOptions { Tools = { ChatTool.CreateFunctionTool("get_weather", "Weather for a city", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}""")) } };

        ChatCompletion completion = await Client(harness).GetChatClient("gpt-4o").CompleteChatAsync([new UserChatMessage("weather in Oslo?")], options);

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        Assert.Equal("get_weather", completion.ToolCalls[0].FunctionName);
        Assert.Equal("Oslo", JsonNode.Parse(completion.ToolCalls[0].FunctionArguments.ToString())!["city"]!.ToString());
        Assert.Equal("get_weather", JsonNode.Parse(Assert.Single(harness.Fake.Requests).Body)!["tools"]![0]!["function"]!["name"]!.ToString());
    }

    [Fact]
    public async Task Mid_stream_block_reaches_the_OpenAI_sdk_as_ContentFilter_finish()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(), Chain());
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Ok("harmless words then forbidden words"));
        ChatFinishReason? finish = null;
        var updates = 0;

        await foreach (var update in Client(harness).GetChatClient("gpt-4o").CompleteChatStreamingAsync([new UserChatMessage("tell me")]))
        {
            updates++;
            finish = update.FinishReason ?? finish;
        }

        Assert.True(updates > 1);
        Assert.Equal(ChatFinishReason.ContentFilter, finish);
    }
}
