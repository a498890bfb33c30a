using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace KeepTrusts.Engine.Upstreams;

/// <summary>The echo target's Responses API answer: the request's input text (after request policies), complete or as events.</summary>
internal static class EchoResponses
{
    public static HttpResponseMessage Answer(JsonObject? json, string model)
    {
        var text = json?["input"] switch
        {
            JsonValue value => value.ToString(),
            JsonArray items => items.OfType<JsonObject>().LastOrDefault(i => i["role"]?.ToString() == "user")?["content"] switch
            {
                JsonValue content => content.ToString(),
                JsonArray parts => string.Concat(parts.OfType<JsonObject>().Select(p => p["text"]?.ToString())),
                _ => string.Empty,
            },
            _ => string.Empty,
        };
        var id = "resp_echo_" + Guid.NewGuid().ToString("N")[..12];
        var usage = new JsonObject { ["input_tokens"] = Math.Max(1, text.Length / 4), ["output_tokens"] = Math.Max(1, text.Length / 4), ["total_tokens"] = 2 * Math.Max(1, text.Length / 4) };
        JsonObject Response(string status, string content) => new()
        {
            ["id"] = id, ["object"] = "response", ["created_at"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["status"] = status, ["model"] = model,
            ["output"] = new JsonArray(new JsonObject
            {
                ["id"] = "msg_" + id, ["type"] = "message", ["status"] = status, ["role"] = "assistant",
                ["content"] = new JsonArray(new JsonObject { ["type"] = "output_text", ["text"] = content, ["annotations"] = new JsonArray() }),
            }),
            ["usage"] = usage.DeepClone(),
        };

        if (json?["stream"] is not JsonValue stream || !stream.TryGetValue<bool>(out var isStream) || !isStream)
        {
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Response("completed", text).ToJsonString(), Encoding.UTF8, "application/json") };
        }

        var events = new StringBuilder();
        var sequence = 0;
        void Event(string type, JsonObject data)
        {
            data["type"] = type;
            data["sequence_number"] = sequence++;
            events.Append("event: ").Append(type).Append("\ndata: ").Append(data.ToJsonString()).Append("\n\n");
        }

        Event("response.created", new JsonObject { ["response"] = Response("in_progress", string.Empty) });
        foreach (var piece in EchoHandler.Pieces(text))
        {
            Event("response.output_text.delta", new JsonObject { ["item_id"] = "msg_" + id, ["output_index"] = 0, ["content_index"] = 0, ["delta"] = piece });
        }

        Event("response.output_text.done", new JsonObject { ["item_id"] = "msg_" + id, ["output_index"] = 0, ["content_index"] = 0, ["text"] = text });
        Event("response.completed", new JsonObject { ["response"] = Response("completed", text) });
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(events.ToString(), Encoding.UTF8, "text/event-stream") };
    }
}
