using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using KeepTrusts.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace KeepTrusts.Module.Tests;

/// <summary>
/// A KtChatResult remembers where it was sent: piped back into Invoke-KtChat it binds -GatewayUrl or -PolicyConfig by
/// property name, so a conversation continues there without repeating it. -Model completion asks any gateway URL.
/// </summary>
[Collection(ModuleCollection.Name)]
public sealed class ChatResultDestinationTests(ModuleFixture module)
{
    private static readonly string Echo = QuickstartConfig.Isolated();

    /// <summary>An OpenAI-compatible gateway that is not a kt Start-KtGateway started: answers chat and lists models for key k1.</summary>
    private sealed class OtherGateway : IAsyncDisposable
    {
        private WebApplication _app = null!;

        public string Url { get; private set; } = string.Empty;

        public ConcurrentQueue<JsonObject> Chats { get; } = new();

        public static async Task<OtherGateway> StartAsync()
        {
            var gateway = new OtherGateway();
            (gateway._app, gateway.Url) = await LoopbackApp.StartAsync(gateway.HandleAsync);
            return gateway;
        }

        private async Task HandleAsync(HttpContext context)
        {
            context.Response.ContentType = "application/json";
            if (context.Request.Headers.Authorization != "Bearer k1")
            {
                context.Response.StatusCode = 401;
                await context.Response.WriteAsync("""{"error":{"message":"bad key","type":"invalid_request_error","code":"invalid_api_key"}}""");
                return;
            }

            if (context.Request.Method == "GET" && context.Request.Path == "/v1/models")
            {
                await context.Response.WriteAsync("""{"object":"list","data":[{"id":"team-model","object":"model","targets":["azure-east"]},{"id":"other-model","object":"model"}]}""");
                return;
            }

            var body = (JsonObject)(await JsonNode.ParseAsync(context.Request.Body))!;
            Chats.Enqueue(body);
            var last = body["messages"]!.AsArray().Last()!["content"]!.ToString();
            var answer = new JsonObject
            {
                ["id"] = "chatcmpl-1", ["object"] = "chat.completion", ["model"] = body["model"]!.ToString(),
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["finish_reason"] = "stop", ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = "re: " + last } }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 3, ["completion_tokens"] = 2, ["total_tokens"] = 5 },
            };
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(answer.ToJsonString()));
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }

    [Fact]
    public async Task A_piped_gateway_result_continues_through_the_same_gateway_without_GatewayUrl()
    {
        await using var gateway = await OtherGateway.StartAsync();

        var (output, errors) = module.Invoke("""
            $first = Invoke-KtChat -GatewayUrl $args[0] -ApiKey k1 -Model team-model -Message 'first'
            $first | Invoke-KtChat -ApiKey k1 -Message 'second'
            """, gateway.Url);

        Assert.True(errors.Count == 0, string.Join("; ", errors));
        var second = Assert.Single(output);
        Assert.Equal("re: second", second.Properties["Content"].Value);
        Assert.Equal(new Uri(gateway.Url), second.Properties["GatewayUrl"].Value);
        Assert.Null(second.Properties["PolicyConfig"].Value);
        var sent = gateway.Chats.ToArray();
        Assert.Equal(2, sent.Length);
        Assert.Equal("team-model", sent[1]["model"]!.ToString());
        Assert.Equal(["user", "assistant", "user"], sent[1]["messages"]!.AsArray().Select(m => m!["role"]!.ToString()));
    }

    [Fact]
    public void A_piped_in_process_result_continues_with_its_own_config()
    {
        var (output, errors) = module.Invoke("""
            $first = Invoke-KtChat -PolicyConfig $args[0] -Message 'first'
            $first | Invoke-KtChat -Message 'second'
            """, Echo);

        Assert.True(errors.Count == 0, string.Join("; ", errors));
        var second = Assert.Single(output);
        Assert.Equal("second", second.Properties["Content"].Value);
        Assert.Equal(Echo, second.Properties["PolicyConfig"].Value);
        Assert.Null(second.Properties["GatewayUrl"].Value);
        Assert.Equal(4, ((object[])second.Properties["Messages"].Value).Length);
    }

    [Fact]
    public async Task An_in_process_result_moves_to_a_gateway_with_the_model_it_was_routed_by()
    {
        await using var gateway = await OtherGateway.StartAsync();

        var (output, errors) = module.Invoke("""
            $first = Invoke-KtChat -PolicyConfig $args[0] -Message 'first'
            $first | Invoke-KtChat -GatewayUrl $args[1] -ApiKey k1 -Message 'second'
            """, Echo, gateway.Url);

        Assert.True(errors.Count == 0, string.Join("; ", errors));
        Assert.Equal("re: second", Assert.Single(output).Properties["Content"].Value);
        // quickstart-echo's target serves gpt-4o: the name it was routed by, not whatever the upstream called itself.
        Assert.Equal("gpt-4o", Assert.Single(gateway.Chats)["model"]!.ToString());
    }

    [Fact]
    public void Nothing_that_says_where_to_send_is_an_error_with_the_fix()
    {
        var error = module.InvokeExpectingTerminatingError("$null | Invoke-KtChat -Message 'x' -ErrorAction SilentlyContinue");

        Assert.Equal("KtDestinationMissing,KeepTrusts.PowerShell.Commands.InvokeKtChatCommand", error.FullyQualifiedErrorId);
        Assert.Contains("-GatewayUrl", error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public async Task Model_completion_asks_any_gateway_url_for_its_models_with_the_key_on_the_line()
    {
        await using var gateway = await OtherGateway.StartAsync();

        var (output, errors) = module.Invoke("""
            param($url)
            function Complete([string] $line) { (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches }
            Complete "Invoke-KtChat -GatewayUrl $url -ApiKey k1 -Model "
            '---'
            Complete "Invoke-KtChat -GatewayUrl $url -ApiKey wrong -Model "
            """, gateway.Url);

        Assert.True(errors.Count == 0, string.Join("; ", errors));
        var texts = output.Select(o => o.BaseObject is System.Management.Automation.CompletionResult c ? c.CompletionText : o.ToString()).ToList();
        Assert.Equal(["team-model", "other-model", "---"], texts);
        var first = (System.Management.Automation.CompletionResult)output[0].BaseObject;
        Assert.Equal("targets: azure-east", first.ToolTip);
    }
}
