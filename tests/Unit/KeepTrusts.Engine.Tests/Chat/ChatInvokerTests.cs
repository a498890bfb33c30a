using KeepTrusts.Engine.Chat;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Gateway;
using KeepTrusts.Engine.Upstreams;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Engine.Tests.Gateway;
using KeepTrusts.Testing;

namespace KeepTrusts.Engine.Tests.Chat;

public sealed class ChatInvokerTests
{
    private static PolicyConfig EchoConfig() =>
        PolicyConfigLoader.Load(QuickstartConfig.Isolated(), _ => true).Config!;

    [Fact]
    public async Task In_process_call_answers_through_the_chain_and_routing()
    {
        var result = await ChatInvoker.InvokeAsync(EchoConfig(), PolicyChain.Empty, null,
            new ChatInvocationRequest { Messages = ["hello there"] }, null, CancellationToken.None);

        Assert.Equal("hello there", result.Content);
        Assert.Equal("echo-demo", result.Target);
        Assert.Equal("stop", result.FinishReason);
        Assert.True(result.PromptTokens > 0);
        Assert.True(result.Cost > 0);
    }

    [Fact]
    public async Task In_process_stream_hands_text_to_the_callback_as_it_arrives()
    {
        var pieces = new List<string>();

        var result = await ChatInvoker.InvokeAsync(EchoConfig(), PolicyChain.Empty, null,
            new ChatInvocationRequest { Messages = ["one two three"], Stream = true }, pieces.Add, CancellationToken.None);

        Assert.Equal(["one ", "two ", "three"], pieces);
        Assert.Equal("one two three", result.Content);
        Assert.True(result.CompletionTokens > 0);
    }

    [Fact]
    public async Task Blocked_call_throws_with_the_policy_and_reaches_no_upstream()
    {
        await using var fake = await FakeAzureOpenAI.StartAsync(https: false);
        var config = PolicyConfigLoader.LoadText($$"""
            pack: { name: t }
            providers:
              targets:
                - { id: a, provider: azure-openai, model: gpt-4o, base_url: "{{fake.BaseUrl}}", azure_api_version: "2024-10-21" }
            """, "t.yaml", _ => true).Config!;
        var chain = new PolicyChain([new WordPolicy("forbidden", "swordfish")]);

        var error = await Assert.ThrowsAsync<ChatInvocationException>(() => ChatInvoker.InvokeAsync(config, chain, null,
            new ChatInvocationRequest { Messages = ["this is forbidden"] }, null, CancellationToken.None));

        Assert.True(error.IsPolicyBlock);
        Assert.Equal("word-policy", error.Policy);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task Gateway_url_call_goes_through_a_running_gateway()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());

        var result = await ChatInvoker.InvokeAsync(new Uri(harness.Url), null,
            new ChatInvocationRequest { Messages = ["via url"], Model = "gpt-4o", SystemMessage = "be brief", Temperature = 0.2, MaxTokens = 50 }, null, null, CancellationToken.None);

        Assert.Equal("Hello from gpt-4o: via url", result.Content);
        Assert.Equal("azure-a", result.Target);
        var sent = System.Text.Json.Nodes.JsonNode.Parse(Assert.Single(harness.Fake.Requests).Body)!;
        Assert.Equal("system", sent["messages"]![0]!["role"]!.ToString());
        Assert.Equal(50, sent["max_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task In_process_stream_stopped_by_a_policy_throws_after_the_released_text()
    {
        await using var fake = await FakeAzureOpenAI.StartAsync(https: false);
        fake.Enqueue("gpt-4o", FakeBehavior.Ok("harmless words then forbidden words"));
        var config = PolicyConfigLoader.LoadText($$"""
            pack: { name: t }
            providers:
              targets:
                - { id: a, provider: azure-openai, model: gpt-4o, base_url: "{{fake.BaseUrl}}", azure_api_version: "2024-10-21" }
            """, "t.yaml", _ => true).Config!;
        var pieces = new List<string>();

        await using var composition = GatewayComposition.Borrowing(new PolicyChain([new WordPolicy("forbidden", "swordfish")]), null);
        var credentials = new UpstreamCredentials(name => name == "AZURE_OPENAI_API_KEY" ? FakeAzureOpenAI.ApiKey : null);

        var error = await Assert.ThrowsAsync<ChatInvocationException>(() => ChatInvoker.InvokeAsync(config, composition,
            new ChatInvocationRequest { Messages = ["tell me"], Stream = true }, pieces.Add, CancellationToken.None, credentials));

        Assert.True(error.IsPolicyBlock, $"{error.ErrorType}/{error.Code}: {error.Message}");
        Assert.Equal("word-policy", error.Policy);
        Assert.StartsWith("harmless", string.Concat(pieces));
        Assert.DoesNotContain("forbidden", string.Concat(pieces));
    }

    [Fact]
    public async Task Gateway_url_stream_stopped_by_a_policy_throws_naming_it()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(), new PolicyChain([new WordPolicy("forbidden", "swordfish")]));
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Ok("harmless words then forbidden words"));

        var error = await Assert.ThrowsAsync<ChatInvocationException>(() => ChatInvoker.InvokeAsync(new Uri(harness.Url), null,
            new ChatInvocationRequest { Messages = ["tell me"], Model = "gpt-4o", Stream = true }, null, null, CancellationToken.None));

        Assert.True(error.IsPolicyBlock);
        Assert.Equal("word-policy", error.Policy);
    }
}
