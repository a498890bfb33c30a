using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace KeepTrusts.Testing;

/// <summary>
/// Azure OpenAI's v1 Responses API (POST /openai/v1/responses) as the fake answers it: a response object with one
/// message output item, or — streamed — response.created, output_text deltas per word, the done events and
/// response.completed with usage, as named SSE events.
/// </summary>
internal static class FakeResponses
{
    public static async Task AnswerAsync(HttpContext context, JsonObject body, string? text)
    {
        var model = body["model"]?.ToString() ?? string.Empty;
        var content = text ?? $"Hello from {model}: {InputText(body)}";
        var response = Response(model, content, "completed");
        if (body["stream"]?.GetValue<bool>() != true)
        {
            await FakeAzureOpenAI.WriteJsonAsync(context, 200, response.ToJsonString()).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        var sequence = 0;
        async Task Send(string type, JsonObject data)
        {
            data["type"] = type;
            data["sequence_number"] = sequence++;
            await context.Response.WriteAsync($"event: {type}\ndata: {data.ToJsonString()}\n\n").ConfigureAwait(false);
            await context.Response.Body.FlushAsync().ConfigureAwait(false);
        }

        await Send("response.created", new JsonObject { ["response"] = Response(model, string.Empty, "in_progress") }).ConfigureAwait(false);
        await Send("response.output_item.added", new JsonObject { ["output_index"] = 0, ["item"] = Message(string.Empty, "in_progress") }).ConfigureAwait(false);
        foreach (var word in content.Split(' '))
        {
            var piece = word == content.Split(' ')[^1] ? word : word + " ";
            await Send("response.output_text.delta", new JsonObject { ["item_id"] = "msg_fake", ["output_index"] = 0, ["content_index"] = 0, ["delta"] = piece }).ConfigureAwait(false);
        }

        await Send("response.output_text.done", new JsonObject { ["item_id"] = "msg_fake", ["output_index"] = 0, ["content_index"] = 0, ["text"] = content }).ConfigureAwait(false);
        await Send("response.output_item.done", new JsonObject { ["output_index"] = 0, ["item"] = Message(content, "completed") }).ConfigureAwait(false);
        await Send("response.completed", new JsonObject { ["response"] = response }).ConfigureAwait(false);
    }

    private static JsonObject Response(string model, string content, string status) => new()
    {
        ["id"] = "resp_fake",
        ["object"] = "response",
        ["created_at"] = 1700000000,
        ["status"] = status,
        ["model"] = model,
        ["output"] = content.Length == 0 ? new JsonArray() : new JsonArray(Message(content, "completed")),
        ["usage"] = new JsonObject { ["input_tokens"] = 5, ["output_tokens"] = Math.Max(1, content.Length / 4), ["total_tokens"] = 5 + Math.Max(1, content.Length / 4) },
    };

    private static JsonObject Message(string content, string status) => new()
    {
        ["id"] = "msg_fake",
        ["type"] = "message",
        ["status"] = status,
        ["role"] = "assistant",
        ["content"] = content.Length == 0 && status != "completed"
            ? new JsonArray()
            : new JsonArray(new JsonObject { ["type"] = "output_text", ["text"] = content, ["annotations"] = new JsonArray() }),
    };

    private static string InputText(JsonObject body) => body["input"] switch
    {
        JsonValue value => value.ToString(),
        JsonArray items => items.OfType<JsonObject>().LastOrDefault(i => i["role"]?.ToString() == "user")?["content"] switch
        {
            JsonValue text => text.ToString(),
            JsonArray parts => string.Concat(parts.OfType<JsonObject>().Select(p => p["text"]?.ToString())),
            _ => string.Empty,
        },
        _ => string.Empty,
    };
}
