using System.Text.Json;
using KeepTrusts.Engine.Gateway.Wire;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Gateway;

/// <summary>
/// The text a policy must see in a typed request or answer — message content (plain or text parts), tool/function call
/// arguments, tool results, embeddings input, Responses input and output items — and the way back into the typed
/// record when a policy redacted something.
/// </summary>
internal sealed class ChatTextSegments
{
    private readonly List<TextSegment> _segments = [];
    private readonly List<Action<string>> _writers = [];

    public IReadOnlyList<TextSegment> Segments => _segments;

    public static ChatTextSegments FromChat(ChatRequest request)
    {
        var result = new ChatTextSegments();
        var messages = request.Messages ?? [];
        for (var i = 0; i < messages.Count; i++)
        {
            result.AddMessage(messages[i], i < CachedPaths ? MessagePaths[i] : string.Create(CultureInfo.InvariantCulture, $"messages[{i}]"), i < CachedPaths ? MessageContentPaths[i] : null, messages[i].Role ?? "user");
        }

        return result;
    }

    public static ChatTextSegments FromEmbeddings(EmbeddingsRequest request)
    {
        var result = new ChatTextSegments();
        if (request.Input is not { } input)
        {
            return result;
        }

        if (input.ValueKind == JsonValueKind.String)
        {
            result.Add("input", "user", input.GetString()!, TextSegmentKind.Content, v => request.Input = JsonSerializer.SerializeToElement(v, GatewayJson.Default.String));
        }
        else if (input.ValueKind == JsonValueKind.Array)
        {
            // Strings in the array are policy text; token arrays are not. Redacted strings are written back as one new array.
            var items = input.EnumerateArray().ToArray();
            for (var i = 0; i < items.Length; i++)
            {
                var index = i;
                if (items[i].ValueKind == JsonValueKind.String)
                {
                    result.Add(string.Create(CultureInfo.InvariantCulture, $"input[{i}]"), "user", items[i].GetString()!, TextSegmentKind.Content, v =>
                    {
                        items[index] = JsonSerializer.SerializeToElement(v, GatewayJson.Default.String);
                        request.Input = JsonSerializer.SerializeToElement(items, GatewayJson.Default.JsonElementArray);
                    });
                }
            }
        }

        return result;
    }

    public static ChatTextSegments FromResponsesRequest(ResponsesRequest request)
    {
        var result = new ChatTextSegments();
        if (request.Instructions is { } instructions)
        {
            result.Add("instructions", "system", instructions, TextSegmentKind.Content, v => request.Instructions = v);
        }

        if (request.Input is { Text: { } text })
        {
            result.Add("input", "user", text, TextSegmentKind.Content, v => request.Input.Text = v);
        }

        result.AddItems(request.Input?.Items, "input", "user");
        return result;
    }

    public static ChatTextSegments FromCompletion(ChatCompletion answer)
    {
        var result = new ChatTextSegments();
        var choices = answer.Choices ?? [];
        for (var i = 0; i < choices.Count; i++)
        {
            if (choices[i].Message is { } message)
            {
                result.AddMessage(message, i < CachedPaths ? ChoicePaths[i] : string.Create(CultureInfo.InvariantCulture, $"choices[{i}].message"), i < CachedPaths ? ChoiceContentPaths[i] : null, "assistant");
            }
        }

        return result;
    }

    public static ChatTextSegments FromResponse(ResponsesResponse answer)
    {
        var result = new ChatTextSegments();
        result.AddItems(answer.Output, "output", "assistant");
        return result;
    }

    /// <summary>Writes every modified segment back into the record it came from; true when anything changed.</summary>
    public bool WriteBack()
    {
        var changed = false;
        for (var i = 0; i < _segments.Count; i++)
        {
            if (_segments[i].Modified)
            {
                _writers[i](_segments[i].Text);
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>All segment text joined (for audit content and token estimates).</summary>
    public string JoinedText() => string.Join("\n", _segments.Select(s => s.Text));

    public int TotalLength => _segments.Sum(s => s.Text.Length);

    private void AddItems(List<ResponsesItem>? items, string path, string defaultRole)
    {
        for (var i = 0; i < (items?.Count ?? 0); i++)
        {
            var item = items![i];
            var at = string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]");
            switch (item.Type)
            {
                case "function_call":
                    if (item.Arguments is { } arguments)
                    {
                        Add($"{at}.arguments", defaultRole, arguments, TextSegmentKind.ToolArguments, v => item.Arguments = v);
                    }

                    break;
                case "function_call_output":
                    if (item.Output is { } output)
                    {
                        Add($"{at}.output", "tool", output, TextSegmentKind.ToolResult, v => item.Output = v);
                    }

                    break;
                default:
                    AddContent(item.Content, $"{at}.content", item.Role ?? defaultRole, TextSegmentKind.Content);
                    break;
            }
        }
    }

    // The segment paths of the first messages and choices, made once: two strings per message per request otherwise.
    private const int CachedPaths = 16;
    private static readonly string[] MessagePaths = Enumerable.Range(0, CachedPaths).Select(i => string.Create(CultureInfo.InvariantCulture, $"messages[{i}]")).ToArray();
    private static readonly string[] MessageContentPaths = MessagePaths.Select(p => p + ".content").ToArray();
    private static readonly string[] ChoicePaths = Enumerable.Range(0, CachedPaths).Select(i => string.Create(CultureInfo.InvariantCulture, $"choices[{i}].message")).ToArray();
    private static readonly string[] ChoiceContentPaths = ChoicePaths.Select(p => p + ".content").ToArray();

    private void AddMessage(ChatMessage message, string path, string? contentPath, string role)
    {
        var kind = role == "tool" || role == "function" ? TextSegmentKind.ToolResult : TextSegmentKind.Content;
        AddContent(message.Content, contentPath ?? $"{path}.content", role, kind);
        var calls = message.ToolCalls ?? [];
        for (var k = 0; k < calls.Count; k++)
        {
            if (calls[k].Function is { } function)
            {
                AddArguments(function, string.Create(CultureInfo.InvariantCulture, $"{path}.tool_calls[{k}].function.arguments"), role);
            }
        }

        if (message.FunctionCall is { } legacy)
        {
            AddArguments(legacy, $"{path}.function_call.arguments", role);
        }
    }

    private void AddContent(MessageContent? content, string path, string role, TextSegmentKind kind)
    {
        if (content is { Text: { } text })
        {
            Add(path, role, text, kind, v => content.Text = v);
        }

        var parts = content?.Parts ?? [];
        for (var j = 0; j < parts.Count; j++)
        {
            var part = parts[j];
            if (part.Text is { } partText)
            {
                Add(string.Create(CultureInfo.InvariantCulture, $"{path}[{j}].text"), role, partText, kind, v => part.Text = v);
            }
        }
    }

    private void AddArguments(FunctionCall function, string path, string role)
    {
        if (function.Arguments is { } arguments)
        {
            Add(path, role, arguments, TextSegmentKind.ToolArguments, v => function.Arguments = v);
        }
    }

    private void Add(string source, string role, string text, TextSegmentKind kind, Action<string> writer)
    {
        _segments.Add(new TextSegment(source, role, text, kind));
        _writers.Add(writer);
    }
}
