using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace KeepTrusts.Engine.Tests.Gateway.Hardening;

/// <summary>A field of the wrong JSON kind is named by its full path and the kind it needs, never by a .NET type name.</summary>
public sealed class WrongTypeMessageTests
{
    [Theory]
    [InlineData("/v1/chat/completions", """{"model":"gpt-4o","messages":"hi"}""", "messages", "'messages' must be an array.")]
    [InlineData("/v1/chat/completions", """{"model":"gpt-4o","messages":[1]}""", "messages[0]", "'messages[0]' must be an object.")]
    [InlineData("/v1/chat/completions", """{"model":"gpt-4o","max_tokens":1.5,"messages":[{"role":"user","content":"hi"}]}""", "max_tokens", "'max_tokens' must be an integer.")]
    [InlineData("/v1/chat/completions", """{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":5}]}]}""", "messages[0].content[1].text", "'messages[0].content[1].text' must be a string.")]
    [InlineData("/v1/chat/completions", """{"model":"gpt-4o","messages":[{"role":"user","content":["hi"]}]}""", "messages[0].content[0]", "'messages[0].content[0]' must be an object (content part), not a string.")]
    [InlineData("/v1/responses", """{"model":"gpt-4o","input":["hi"]}""", "input[0]", "'input[0]' must be an object (input item), not a string.")]
    [InlineData("/v1/responses", """{"model":"gpt-4o","input":[{"type":"message","role":"user","content":5}]}""", "input[0].content", "'input[0].content' must be a string or an array of content parts.")]
    public async Task A_wrong_kind_is_a_400_naming_the_full_path_and_the_kind_it_needs(string path, string body, string param, string message)
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");

        using var response = await harness.Http.PostAsync(path, content);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", error["code"]!.ToString());
        Assert.Equal(param, error["param"]!.ToString());
        Assert.Equal(message, error["message"]!.ToString());
        Assert.DoesNotContain("System.", error["message"]!.ToString());
        Assert.Empty(harness.Fake.Requests);
    }
}
