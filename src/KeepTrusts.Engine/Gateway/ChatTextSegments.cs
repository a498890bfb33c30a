using System.Text.Json.Nodes;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Engine.Upstreams;

namespace KeepTrusts.Engine.Gateway;

/// <summary>
/// The text a policy must see in an OpenAI request or response: message content (plain or text parts),
/// tool/function call arguments, tool results and embeddings input; and the way back into the JSON
/// when a policy redacted something.
/// </summary>
internal sealed class ChatTextSegments
{
    private readonly List<TextSegment> _segments = [];
    private readonly List<Action<string>> _writers = [];

    public IReadOnlyList<TextSegment> Segments => _segments;

    public static ChatTextSegments FromRequest(JsonObject body, UpstreamOperation operation)
    {
        var result = new ChatTextSegments();
        if (operation == UpstreamOperation.Embeddings)
        {
            switch (body["input"])
            {
                case JsonValue value when value.TryGetValue<string>(out var text):
                    result.Add("input", "user", text, TextSegmentKind.Content, v => body["input"] = v);
                    break;
                case JsonArray items:
                    for (var i = 0; i < items.Count; i++)
                    {
                        var index = i;
                        if (items[i] is JsonValue item && item.TryGetValue<string>(out var itemText))
                        {
                            result.Add($"input[{i}]", "user", itemText, TextSegmentKind.Content, v => items[index] = v);
                        }
                    }

                    break;
            }

            return result;
        }

        if (body["messages"] is JsonArray messages)
        {
            for (var i = 0; i < messages.Count; i++)
            {
                if (messages[i] is JsonObject message)
                {
                    result.AddMessage(message, $"messages[{i}]", message["role"]?.GetValue<string>() ?? "user");
                }
            }
        }

        return result;
    }

    public static ChatTextSegments FromResponse(JsonObject body)
    {
        var result = new ChatTextSegments();
        if (body["choices"] is JsonArray choices)
        {
            for (var i = 0; i < choices.Count; i++)
            {
                if (choices[i] is JsonObject choice && choice["message"] is JsonObject message)
                {
                    result.AddMessage(message, $"choices[{i}].message", "assistant");
                }
            }
        }

        return result;
    }

    /// <summary>Writes every modified segment back into the JSON it came from; true when anything changed.</summary>
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

    private void AddMessage(JsonObject message, string path, string role)
    {
        var kind = role == "tool" || role == "function" ? TextSegmentKind.ToolResult : TextSegmentKind.Content;
        switch (message["content"])
        {
            case JsonValue value when value.TryGetValue<string>(out var text):
                Add($"{path}.content", role, text, kind, v => message["content"] = v);
                break;
            case JsonArray parts:
                for (var j = 0; j < parts.Count; j++)
                {
                    if (parts[j] is JsonObject part && part["text"] is JsonValue partValue && partValue.TryGetValue<string>(out var partText))
                    {
                        Add($"{path}.content[{j}].text", role, partText, kind, v => part["text"] = v);
                    }
                }

                break;
        }

        if (message["tool_calls"] is JsonArray calls)
        {
            for (var k = 0; k < calls.Count; k++)
            {
                if (calls[k] is JsonObject call && call["function"] is JsonObject function)
                {
                    AddArguments(function, $"{path}.tool_calls[{k}].function.arguments", role);
                }
            }
        }

        if (message["function_call"] is JsonObject legacy)
        {
            AddArguments(legacy, $"{path}.function_call.arguments", role);
        }
    }

    private void AddArguments(JsonObject function, string path, string role)
    {
        if (function["arguments"] is JsonValue value && value.TryGetValue<string>(out var arguments))
        {
            Add(path, role, arguments, TextSegmentKind.ToolArguments, v => function["arguments"] = v);
        }
    }

    private void Add(string source, string role, string text, TextSegmentKind kind, Action<string> writer)
    {
        _segments.Add(new TextSegment(source, role, text, kind));
        _writers.Add(writer);
    }
}
