using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KeepTrusts.Engine.Upstreams;

/// <summary>
/// The built-in offline <c>echo</c> provider: a demo and test target, never an LLM. It answers requests for
/// <c>echo://</c> URLs in OpenAI's format (chat, streamed chat with usage, embeddings) with the text it received,
/// which is the text after the request-side policies ran.
/// </summary>
public sealed class EchoHandler : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Get)
        {
            return Json(HttpStatusCode.OK, """{"object":"list","data":[]}""");
        }

        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var json = body is null ? null : JsonNode.Parse(body) as JsonObject;
        var model = json?["model"]?.GetValue<string>() ?? "echo";
        if (request.RequestUri!.AbsolutePath.EndsWith("/embeddings", StringComparison.Ordinal))
        {
            return Json(HttpStatusCode.OK, Embeddings(json, model));
        }

        if (request.RequestUri!.AbsolutePath.EndsWith("/responses", StringComparison.Ordinal))
        {
            return EchoResponses.Answer(json, model);
        }

        var text = LastUserText(json);
        var promptTokens = EstimateTokens(body ?? string.Empty);
        var completionTokens = EstimateTokens(text);
        var id = "chatcmpl-echo-" + Guid.NewGuid().ToString("N")[..12];
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var stream = json?["stream"] is JsonValue s && s.TryGetValue<bool>(out var isStream) && isStream;
        if (!stream)
        {
            var response = new JsonObject
            {
                ["id"] = id,
                ["object"] = "chat.completion",
                ["created"] = created,
                ["model"] = model,
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text },
                    ["finish_reason"] = "stop",
                }),
                ["usage"] = Usage(promptTokens, completionTokens),
                ["system_fingerprint"] = "keeptrusts-echo",
            };
            return Json(HttpStatusCode.OK, response.ToJsonString());
        }

        var includeUsage = json?["stream_options"]?["include_usage"] is JsonValue u && u.TryGetValue<bool>(out var usage) && usage;
        var events = new StringBuilder();
        void Chunk(JsonObject delta, string? finish, bool withUsage = false)
        {
            var chunk = new JsonObject
            {
                ["id"] = id,
                ["object"] = "chat.completion.chunk",
                ["created"] = created,
                ["model"] = model,
                ["choices"] = withUsage ? new JsonArray() : new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
            };
            if (withUsage)
            {
                chunk["usage"] = Usage(promptTokens, completionTokens);
            }

            events.Append("data: ").Append(chunk.ToJsonString()).Append("\n\n");
        }

        Chunk(new JsonObject { ["role"] = "assistant", ["content"] = string.Empty }, null);
        foreach (var piece in Pieces(text))
        {
            Chunk(new JsonObject { ["content"] = piece }, null);
        }

        Chunk(new JsonObject(), "stop");
        if (includeUsage)
        {
            Chunk(new JsonObject(), null, withUsage: true);
        }

        events.Append("data: [DONE]\n\n");
        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(events.ToString(), Encoding.UTF8, "text/event-stream"),
        };
    }

    /// <summary>Words with their following whitespace, so a stream arrives in several chunks.</summary>
    internal static IEnumerable<string> Pieces(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i]) && (i + 1 == text.Length || !char.IsWhiteSpace(text[i + 1])))
            {
                yield return text[start..(i + 1)];
                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            yield return text[start..];
        }
    }

    private static string LastUserText(JsonObject? json)
    {
        if (json?["messages"] is not JsonArray messages)
        {
            return string.Empty;
        }

        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i] is JsonObject message && message["role"]?.GetValue<string>() == "user")
            {
                return message["content"] switch
                {
                    JsonValue value when value.TryGetValue<string>(out var text) => text,
                    JsonArray parts => string.Join("\n", parts.OfType<JsonObject>().Select(p => p["text"]?.GetValue<string>()).Where(t => t is not null)),
                    _ => string.Empty,
                };
            }
        }

        return string.Empty;
    }

    private static string Embeddings(JsonObject? json, string model)
    {
        var inputs = json?["input"] switch
        {
            JsonArray array => array.Select(n => n?.ToString() ?? string.Empty).ToList(),
            JsonNode node => [node.ToString()],
            _ => new List<string>(),
        };
        var data = new JsonArray();
        for (var i = 0; i < inputs.Count; i++)
        {
            // A deterministic 8-dimension vector from the text's bytes: stable for tests, meaningless as semantics.
            var vector = new JsonArray();
            var bytes = Encoding.UTF8.GetBytes(inputs[i]);
            for (var d = 0; d < 8; d++)
            {
                var sum = 0;
                for (var b = d; b < bytes.Length; b += 8)
                {
                    sum += bytes[b];
                }

                vector.Add((JsonNode)JsonValue.Create(Math.Round((sum % 1000) / 1000.0, 3)));
            }

            data.Add((JsonNode)new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = vector });
        }

        var tokens = inputs.Sum(EstimateTokens);
        return new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = model,
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        }.ToJsonString();
    }

    private static JsonObject Usage(long prompt, long completion) =>
        new() { ["prompt_tokens"] = prompt, ["completion_tokens"] = completion, ["total_tokens"] = prompt + completion };

    private static long EstimateTokens(string text) => Math.Max(1, (text.Length + 3) / 4);

    private static HttpResponseMessage Json(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
}
