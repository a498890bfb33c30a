using System.Text.Json.Nodes;

namespace KeepTrusts.Engine.Chat;

/// <summary>Reads the tool calls of an answer: whole (message.tool_calls) or streamed in pieces (delta.tool_calls by index).</summary>
internal sealed class ChatToolCalls
{
    private readonly SortedDictionary<int, (string? Id, string? Name, System.Text.StringBuilder Arguments)> _byIndex = [];

    public static IReadOnlyList<ChatToolCall> FromMessage(JsonNode? message)
    {
        var calls = new ChatToolCalls();
        calls.AddDelta(message?["tool_calls"]);
        return calls.ToList();
    }

    /// <summary>Adds one chunk's delta.tool_calls: the first piece of a call has its id and name, later ones more arguments.</summary>
    public void AddDelta(JsonNode? toolCalls)
    {
        if (toolCalls is not JsonArray array)
        {
            return;
        }

        for (var i = 0; i < array.Count; i++)
        {
            var call = array[i];
            var index = call?["index"] is JsonValue indexValue && indexValue.TryGetValue<int>(out var n) ? n : i;
            if (!_byIndex.TryGetValue(index, out var entry))
            {
                entry = (null, null, new System.Text.StringBuilder());
            }

            entry.Id ??= call?["id"]?.ToString();
            entry.Name ??= call?["function"]?["name"]?.ToString();
            entry.Arguments.Append(call?["function"]?["arguments"]?.ToString());
            _byIndex[index] = entry;
        }
    }

    public IReadOnlyList<ChatToolCall> ToList() =>
        _byIndex.Values.Select(c => new ChatToolCall(c.Id ?? string.Empty, c.Name ?? string.Empty, c.Arguments.ToString())).ToList();
}
