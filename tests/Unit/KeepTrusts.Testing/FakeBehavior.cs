using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace KeepTrusts.Testing;

/// <summary>What the fake Azure OpenAI does with one request.</summary>
public sealed class FakeBehavior
{
    private readonly Func<HttpContext, string, string, JsonObject, Task> _run;

    private FakeBehavior(Func<HttpContext, string, string, JsonObject, Task> run) => _run = run;

    internal Task ExecuteAsync(HttpContext context, string deployment, string operation, JsonObject body) => _run(context, deployment, operation, body);

    /// <summary>A normal answer: "Hello from {deployment}: {last user text}", streamed per word when asked.</summary>
    public static FakeBehavior Ok(string? text = null, int streamDelayMs = 0) => new((context, deployment, operation, body) => operation switch
    {
        "embeddings" => Embeddings(context, body),
        "responses" => FakeResponses.AnswerAsync(context, body, text),
        _ => Answer(context, deployment, body, text, streamDelayMs, resetAfterChunks: null, stallAfterChunks: null, stall: TimeSpan.Zero),
    });

    /// <summary>A chat answer that calls one tool (finish_reason tool_calls), as models do when given tools.</summary>
    public static FakeBehavior ToolCall(string name, string argumentsJson) => new((context, _, _, _) =>
    {
        var answer = new JsonObject
        {
            ["id"] = "chatcmpl-tool", ["object"] = "chat.completion", ["created"] = 1700000000, ["model"] = "gpt-4o-2024-08-06",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0, ["finish_reason"] = "tool_calls",
                ["message"] = new JsonObject
                {
                    ["role"] = "assistant", ["content"] = null,
                    ["tool_calls"] = new JsonArray(new JsonObject
                    {
                        ["id"] = "call_1", ["type"] = "function", ["function"] = new JsonObject { ["name"] = name, ["arguments"] = argumentsJson },
                    }),
                },
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 20, ["completion_tokens"] = 5, ["total_tokens"] = 25 },
        };
        return FakeAzureOpenAI.WriteJsonAsync(context, 200, answer.ToJsonString());
    });

    /// <summary>An error status with Azure's error shape and optional headers (retry-after-ms, retry-after).</summary>
    public static FakeBehavior Status(int status, IDictionary<string, string>? headers = null, string? body = null) => new((context, _, _, _) =>
        FakeAzureOpenAI.WriteJsonAsync(context, status, body ?? $$$"""{"error":{"code":"{{{status}}}","message":"Fake upstream answered {{{status}}}"}}""", headers));

    public static FakeBehavior RateLimited(int retryAfterMs) => Status(429,
        new Dictionary<string, string> { ["retry-after-ms"] = retryAfterMs.ToString(System.Globalization.CultureInfo.InvariantCulture), ["retry-after"] = Math.Max(1, retryAfterMs / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture) },
        """{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current tier. Please retry after 1 second."}}""");

    /// <summary>Azure's content-filter refusal: 400, error.code content_filter, innererror ResponsibleAIPolicyViolation.</summary>
    public static FakeBehavior ContentFilter() => Status(400, body: """
        {"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":true,"severity":"high"},"jailbreak":{"filtered":false,"detected":false}}}}}
        """);

    /// <summary>Waits, then behaves as <paramref name="then"/> (or answers normally).</summary>
    public static FakeBehavior Slow(TimeSpan delay, FakeBehavior? then = null) => new(async (context, deployment, operation, body) =>
    {
        await Task.Delay(delay, context.RequestAborted).ConfigureAwait(false);
        await (then ?? Ok()).ExecuteAsync(context, deployment, operation, body).ConfigureAwait(false);
    });

    /// <summary>Holds the request open until the client gives up.</summary>
    public static FakeBehavior NeverAnswer() => new(async (context, _, _, _) =>
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    });

    /// <summary>Sends the headers and half of a JSON body, then cuts the connection.</summary>
    public static FakeBehavior ResetMidBody() => HalfBodyThenCut(TimeSpan.Zero);

    /// <summary>
    /// Sends the headers and half of a JSON body, waits until the client has surely read them, then cuts the
    /// connection: an answer that started and broke off (<see cref="ResetMidBody"/> may cut before the headers arrive).
    /// </summary>
    public static FakeBehavior CutAfterHeaders() => HalfBodyThenCut(TimeSpan.FromMilliseconds(300));

    private static FakeBehavior HalfBodyThenCut(TimeSpan waitBeforeCut) => new(async (context, _, _, _) =>
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = 400;
        await context.Response.WriteAsync("""{"id":"chatcmpl-x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hel""").ConfigureAwait(false);
        await context.Response.Body.FlushAsync().ConfigureAwait(false);
        if (waitBeforeCut > TimeSpan.Zero)
        {
            await Task.Delay(waitBeforeCut).ConfigureAwait(false);
        }

        context.Abort();
    });

    /// <summary>A complete HTTP answer whose JSON body is cut short.</summary>
    public static FakeBehavior TruncatedJson() => new((context, _, _, _) =>
        FakeAzureOpenAI.WriteJsonAsync(context, 200, """{"id":"chatcmpl-x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hel"""));

    /// <summary>Answers exactly these bytes with this status and content type (generated and malformed upstream bodies).</summary>
    public static FakeBehavior Raw(int status, string contentType, byte[] body) => new(async (context, _, _, _) =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    });

    /// <summary>A 200 answer of <paramref name="bytes"/> bytes sent in 64 KiB writes without a Content-Length (a JSON string, or one SSE event).</summary>
    public static FakeBehavior Huge(long bytes, bool stream) => new(async (context, _, _, _) =>
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = stream ? "text/event-stream" : "application/json";
        var head = Encoding.UTF8.GetBytes(stream ? "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" : "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"");
        await context.Response.Body.WriteAsync(head, context.RequestAborted).ConfigureAwait(false);
        var block = Encoding.ASCII.GetBytes(new string('x', 64 * 1024));
        for (long sent = 0; sent < bytes; sent += block.Length)
        {
            await context.Response.Body.WriteAsync(block, context.RequestAborted).ConfigureAwait(false);
        }

        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(stream ? "\"}}]}\n\ndata: [DONE]\n\n" : "\"}}]}"), context.RequestAborted).ConfigureAwait(false);
    });

    /// <summary>Streams <paramref name="chunks"/> chunks, then cuts the connection.</summary>
    public static FakeBehavior StreamResetAfter(int chunks, string? text = null) => new((context, deployment, _, body) =>
        Answer(context, deployment, body, text, 0, resetAfterChunks: chunks, stallAfterChunks: null, stall: TimeSpan.Zero));

    /// <summary>Streams <paramref name="chunks"/> chunks, then goes silent for <paramref name="stall"/>.</summary>
    public static FakeBehavior StreamStallAfter(int chunks, TimeSpan stall, string? text = null) => new((context, deployment, _, body) =>
        Answer(context, deployment, body, text, 0, resetAfterChunks: null, stallAfterChunks: chunks, stall: stall));

    private static async Task Answer(HttpContext context, string deployment, JsonObject body, string? text, int streamDelayMs, int? resetAfterChunks, int? stallAfterChunks, TimeSpan stall)
    {
        var content = text ?? $"Hello from {deployment}: {LastUserText(body)}";
        var stream = body["stream"]?.GetValue<bool>() == true;
        var promptTokens = Math.Max(1, body.ToJsonString().Length / 4);
        var completionTokens = Math.Max(1, content.Length / 4);
        const string filterResults = """{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}}""";
        var contentJson = JsonValue.Create(content)!.ToJsonString();
        if (!stream)
        {
            await FakeAzureOpenAI.WriteJsonAsync(context, 200, $$$"""
                {"id":"chatcmpl-fake","object":"chat.completion","created":1700000000,"model":"gpt-4o-2024-08-06",
                 "prompt_filter_results":[{"prompt_index":0,"content_filter_results":{{{filterResults}}} }],
                 "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":{{{contentJson}}} },"content_filter_results":{{{filterResults}}} }],
                 "usage":{"prompt_tokens":{{{promptTokens}}},"completion_tokens":{{{completionTokens}}},"total_tokens":{{{promptTokens + completionTokens}}} }}
                """).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        await context.Response.StartAsync().ConfigureAwait(false);
        async Task Send(string json)
        {
            await context.Response.WriteAsync("data: " + json + "\n\n").ConfigureAwait(false);
            await context.Response.Body.FlushAsync().ConfigureAwait(false);
        }

        // Azure sends the prompt filter results first, in a chunk with no choices.
        await Send($$"""{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{{filterResults}}}]}""").ConfigureAwait(false);
        var sent = 0;
        var words = Words(content).ToList();
        await Send("""{"choices":[{"delta":{"content":"","role":"assistant"},"finish_reason":null,"index":0}],"created":1700000000,"id":"chatcmpl-fake","model":"gpt-4o-2024-08-06","object":"chat.completion.chunk"}""").ConfigureAwait(false);
        foreach (var word in words)
        {
            if (resetAfterChunks == sent)
            {
                // Let the chunks reach the caller first: a reset can discard data still unread in its socket.
                await Task.Delay(300).ConfigureAwait(false);
                context.Abort();
                return;
            }

            if (stallAfterChunks == sent)
            {
                try
                {
                    await Task.Delay(stall, context.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            if (streamDelayMs > 0)
            {
                await Task.Delay(streamDelayMs, context.RequestAborted).ConfigureAwait(false);
            }

            await Send($$"""{"choices":[{"content_filter_results":{{filterResults}},"delta":{"content":{{JsonValue.Create(word)!.ToJsonString()}}},"finish_reason":null,"index":0}],"created":1700000000,"id":"chatcmpl-fake","model":"gpt-4o-2024-08-06","object":"chat.completion.chunk"}""").ConfigureAwait(false);
            sent++;
        }

        await Send("""{"choices":[{"content_filter_results":{},"delta":{},"finish_reason":"stop","index":0}],"created":1700000000,"id":"chatcmpl-fake","model":"gpt-4o-2024-08-06","object":"chat.completion.chunk"}""").ConfigureAwait(false);
        if (body["stream_options"]?["include_usage"]?.GetValue<bool>() == true)
        {
            await Send($$$"""{"choices":[],"created":1700000000,"id":"chatcmpl-fake","model":"gpt-4o-2024-08-06","object":"chat.completion.chunk","usage":{"prompt_tokens":{{{promptTokens}}},"completion_tokens":{{{completionTokens}}},"total_tokens":{{{promptTokens + completionTokens}}} }}""").ConfigureAwait(false);
        }

        await context.Response.WriteAsync("data: [DONE]\n\n").ConfigureAwait(false);
    }

    private static Task Embeddings(HttpContext context, JsonObject body)
    {
        var count = body["input"] is JsonArray array ? array.Count : 1;
        // Like the real service: floats as JSON numbers, or as base64 of little-endian float32 when asked (the .NET SDKs ask).
        var vector = body["encoding_format"]?.ToString() == "base64"
            ? "\"" + Convert.ToBase64String(new[] { 0.1f, 0.2f, 0.3f }.SelectMany(BitConverter.GetBytes).ToArray()) + "\""
            : "[0.1,0.2,0.3]";
        var data = string.Join(",", Enumerable.Range(0, count).Select(i => $$"""{"object":"embedding","index":{{i}},"embedding":{{vector}}}"""));
        return FakeAzureOpenAI.WriteJsonAsync(context, 200, $$$"""{"object":"list","data":[{{{data}}}],"model":"text-embedding-3-small","usage":{"prompt_tokens":3,"total_tokens":3}}""");
    }

    private static IEnumerable<string> Words(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == ' ')
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

    private static string LastUserText(JsonObject body) =>
        body["messages"] is JsonArray messages
            ? messages.OfType<JsonObject>().LastOrDefault(m => m["role"]?.GetValue<string>() == "user")?["content"]?.ToString() ?? string.Empty
            : string.Empty;
}
