using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Azure.AI.OpenAI;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Testing;
using OpenAI.Chat;

using KeepTrusts.Engine.Tests.Gateway;

namespace KeepTrusts.AzureSdk.Tests;

/// <summary>
/// Azure OpenAI apps pointed at the gateway: the official AzureOpenAIClient (Azure.AI.OpenAI) calls the deployments
/// paths with api-version and the api-key header, and gets Azure's answers and Azure's error shapes back.
/// </summary>
public sealed class AzureDialectTests
{
    private static AzureOpenAIClient AzureClient(GatewayHarness harness, string key = "unused") =>
        new(new Uri(harness.Url), new ApiKeyCredential(key));

    private static PolicyChain Chain() => new([new WordPolicy(blockWord: "forbidden", redactWord: "swordfish")]);

    [Fact]
    public async Task Azure_sdk_completes_a_chat_through_the_deployments_path()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());

        ChatCompletion completion = await AzureClient(harness).GetChatClient("gpt-4o").CompleteChatAsync([new UserChatMessage("hi there")]);

        Assert.Equal("Hello from gpt-4o: hi there", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        var sent = Assert.Single(harness.Fake.Requests);
        Assert.Equal("/openai/deployments/gpt-4o/chat/completions", sent.Path);
    }

    [Fact]
    public async Task Azure_sdk_streams_a_chat()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());
        var text = new StringBuilder();
        ChatFinishReason? finish = null;

        await foreach (var update in AzureClient(harness).GetChatClient("gpt-4o").CompleteChatStreamingAsync([new UserChatMessage("one two three")]))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            finish ??= update.FinishReason;
        }

        Assert.Equal("Hello from gpt-4o: one two three", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
    }

    [Fact]
    public async Task Azure_sdk_gets_embeddings()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());

        var embedding = await AzureClient(harness).GetEmbeddingClient("gpt-4o").GenerateEmbeddingAsync("some text");

        Assert.Equal(3, embedding.Value.ToFloats().Length);
        Assert.Equal("embeddings", Assert.Single(harness.Fake.Requests).Operation);
    }

    [Fact]
    public async Task Mid_stream_block_reaches_the_Azure_sdk_as_ContentFilter_finish()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(), Chain());
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Ok("harmless words then forbidden words"));
        var text = new StringBuilder();
        ChatFinishReason? finish = null;

        await foreach (var update in AzureClient(harness).GetChatClient("gpt-4o").CompleteChatStreamingAsync([new UserChatMessage("tell me")]))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            finish = update.FinishReason ?? finish;
        }

        Assert.Equal(ChatFinishReason.ContentFilter, finish);
        Assert.DoesNotContain("forbidden", text.ToString());
    }

    [Fact]
    public async Task Request_block_on_an_Azure_path_is_Azure_content_filter_error_naming_the_policy()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(), Chain());

        var error = await Assert.ThrowsAsync<ClientResultException>(() =>
            AzureClient(harness).GetChatClient("gpt-4o").CompleteChatAsync([new UserChatMessage("this is forbidden")]));

        Assert.Equal(400, error.Status);
        var body = JsonNode.Parse(error.GetRawResponse()!.Content.ToString())!["error"]!;
        Assert.Equal("content_filter", body["code"]!.ToString());
        Assert.Equal("ResponsibleAIPolicyViolation", body["innererror"]!["code"]!.ToString());
        Assert.Equal("word-policy", body["innererror"]!["content_filter_result"]!["keeptrusts"]!["policy"]!.ToString());
        Assert.Empty(harness.Fake.Requests);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?api-version=1999-01-01")]
    public async Task Missing_or_unknown_api_version_is_Azure_resource_not_found(string query)
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());

        using var response = await harness.Http.PostAsync("/openai/deployments/gpt-4o/chat/completions" + query,
            new StringContent("""{"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("404", error["code"]!.ToString());
        Assert.StartsWith("Resource not found", error["message"]!.ToString());
        Assert.Empty(harness.Fake.Requests);
    }

    [Fact]
    public async Task Unknown_deployment_is_DeploymentNotFound_listing_the_deployments()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(deployment: "prod-4o"));

        using var response = await harness.Http.PostAsync("/openai/deployments/nope/chat/completions?api-version=2024-10-21",
            new StringContent("""{"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("DeploymentNotFound", error["code"]!.ToString());
        Assert.Contains("prod-4o", error["message"]!.ToString());
    }

    [Fact]
    public async Task Deployment_resolves_by_target_azure_deployment_then_by_model()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(deployment: "prod-4o"));

        ChatCompletion byDeployment = await AzureClient(harness).GetChatClient("prod-4o").CompleteChatAsync([new UserChatMessage("a")]);
        ChatCompletion byModel = await AzureClient(harness).GetChatClient("gpt-4o").CompleteChatAsync([new UserChatMessage("b")]);

        Assert.Equal("Hello from prod-4o: a", byDeployment.Content[0].Text);
        Assert.Equal("Hello from prod-4o: b", byModel.Content[0].Text);
        Assert.All(harness.Fake.Requests, r => Assert.Equal("gpt-4o", JsonNode.Parse(r.Body)!["model"]!.ToString()));
    }

    [Fact]
    public async Task Azure_sdk_api_key_is_checked_against_the_client_keys()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget() + """

            gateway:
              client_keys:
                - id: app
                  secret_key_ref: { env: KT_TEST_CLIENT_KEY }
            """);

        var refused = await Assert.ThrowsAsync<ClientResultException>(() =>
            AzureClient(harness, "wrong-key").GetChatClient("gpt-4o").CompleteChatAsync([new UserChatMessage("hi")]));
        ChatCompletion accepted = await AzureClient(harness, "client-secret-key-123").GetChatClient("gpt-4o").CompleteChatAsync([new UserChatMessage("hi")]);

        Assert.Equal(401, refused.Status);
        Assert.Equal("Hello from gpt-4o: hi", accepted.Content[0].Text);
        Assert.Single(harness.Fake.Requests);
    }

    [Fact]
    public async Task Azure_v1_chat_path_takes_the_model_from_the_body()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());

        using var response = await harness.Http.PostAsync("/openai/v1/chat/completions",
            new StringContent("""{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Hello from gpt-4o: hi", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["choices"]![0]!["message"]!["content"]!.ToString());
    }

    [Fact]
    public async Task Azure_v1_responses_path_answers_in_the_Responses_shape()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());

        using var response = await harness.Http.PostAsync("/openai/v1/responses",
            new StringContent("""{"model":"gpt-4o","input":[{"role":"user","content":[{"type":"input_text","text":"hi"}]}]}""", Encoding.UTF8, "application/json"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Hello from gpt-4o: hi", body["output"]![0]!["content"]![0]!["text"]!.ToString());
        Assert.Equal("azure-a", response.Headers.GetValues("x-keeptrusts-target").Single());
    }

    [Fact]
    public async Task Azure_v1_models_lists_the_configured_models()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());

        var models = JsonNode.Parse(await harness.Http.GetStringAsync("/openai/v1/models"))!;
        using var missing = await harness.Http.GetAsync("/openai/v1/models/nope");

        Assert.Equal("gpt-4o", models["data"]![0]!["id"]!.ToString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
