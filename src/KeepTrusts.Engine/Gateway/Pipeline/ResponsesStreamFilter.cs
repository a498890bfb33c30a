using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KeepTrusts.Engine.Gateway.Wire;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// The response policies on a Responses API stream: output_text and function-call-argument deltas go through the
/// chain's stream filters per output item and content part; the events that repeat the whole text (…done,
/// response.completed) are brought in line with what was released. A stop ends the stream with response.incomplete
/// (incomplete_details.reason content_filter, the policy named in metadata), which the SDKs surface as an incomplete answer.
/// </summary>
internal sealed class ResponsesStreamFilter(PolicyChain chain, int maxReleasedChars) : IStreamFilter
{
    private readonly KeyedStreamChains _streams = new(chain);
    private readonly Dictionary<string, StringBuilder> _texts = new(StringComparer.Ordinal);
    private readonly ReleasedText _released = new(maxReleasedChars);
    private string? _responseId;
    private string? _model;
    private long _sequence;

    public PolicyDecision? Blocked => _streams.Blocked;

    // Responses API error events pass through as its own event stream defines them.
    public byte[]? UpstreamError => null;

    public long PromptTokens { get; private set; }

    public long CompletionTokens { get; private set; }

    public string? ContentFilterResults => null;

    public string ReleasedText => _released.ToString();

    public IEnumerable<PolicyDecision> Decisions => _streams.Decisions;

    public bool IsEnd(string eventType, byte[] data) => eventType is "response.completed" or "response.incomplete" or "response.failed" or "error";

    public void Process(string eventType, byte[] data, List<ChatEvent> output)
    {
        ResponsesEvent? e;
        try
        {
            e = JsonSerializer.Deserialize(data, GatewayJson.Default.ResponsesEvent);
        }
        catch (JsonException)
        {
            e = null;
        }

        if (e is null)
        {
            output.Add(new ChatEvent { EventType = eventType, Data = data });
            return;
        }

        _sequence = Math.Max(_sequence, e.SequenceNumber ?? 0);
        if (e.Response is { } response)
        {
            _responseId ??= response.Id;
            _model ??= response.Model;
            if (response.Usage is { } usage)
            {
                (PromptTokens, CompletionTokens) = (usage.Prompt, usage.Completion);
            }
        }

        var key = Key(e);
        var isText = e.Type == "response.output_text.delta";
        if ((isText || e.Type == "response.function_call_arguments.delta") && e.Delta is { Length: > 0 } delta)
        {
            var released = chain.Policies.Count == 0 ? delta : _streams.Push(isText ? key : "tool/" + key, delta);
            if (Blocked is { } block)
            {
                output.Add(Incomplete(block));
                return;
            }

            if (isText)
            {
                _released.Append(released);
                (_texts.TryGetValue(key, out var sb) ? sb : _texts[key] = new StringBuilder()).Append(released);
            }

            var changed = released != delta;
            e.Delta = released;
            output.Add(new ChatEvent
            {
                EventType = eventType,
                Data = changed ? JsonSerializer.SerializeToUtf8Bytes(e, GatewayJson.Default.ResponsesEvent) : data,
                Text = isText ? released : null,
            });
            return;
        }

        if (chain.Policies.Count > 0 && e.Type is "response.output_text.done" or "response.content_part.done" or "response.output_item.done" or "response.completed")
        {
            output.Add(new ChatEvent { EventType = eventType, Data = Align(e.Type!, data), Model = _model, PromptTokens = PromptTokens, CompletionTokens = CompletionTokens });
            return;
        }

        output.Add(new ChatEvent { EventType = eventType, Data = data, Model = e.Type == "response.completed" ? _model : null });
    }

    public void Finish(List<ChatEvent> output)
    {
        foreach (var key in _streams.OpenKeys)
        {
            var tail = _streams.Flush(key);
            if (Blocked is { } block)
            {
                output.Clear();
                output.Add(Incomplete(block));
                break;
            }

            if (tail.Length > 0 && !key.StartsWith("tool/", StringComparison.Ordinal))
            {
                _released.Append(tail);
                _texts[key].Append(tail);
                var parts = key.Split(':');
                var delta = new JsonObject
                {
                    ["type"] = "response.output_text.delta", ["output_index"] = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture),
                    ["content_index"] = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), ["delta"] = tail, ["sequence_number"] = ++_sequence,
                };
                output.Add(new ChatEvent { EventType = "response.output_text.delta", Data = Encoding.UTF8.GetBytes(delta.ToJsonString()), Text = tail });
            }
        }
    }

    /// <summary>Replaces the whole texts an event repeats with the released text of the same output item and part.</summary>
    private byte[] Align(string type, byte[] data)
    {
        var node = JsonNode.Parse(data)!.AsObject();
        var output = node["output_index"]?.GetValue<int>() ?? 0;
        switch (type)
        {
            case "response.output_text.done":
                node["text"] = Released(output, node["content_index"]?.GetValue<int>() ?? 0);
                break;
            case "response.content_part.done" when node["part"] is JsonObject part && part["text"] is not null:
                part["text"] = Released(output, node["content_index"]?.GetValue<int>() ?? 0);
                break;
            case "response.output_item.done" when node["item"] is JsonObject item:
                AlignItem(item, output);
                break;
            case "response.completed" when (node["response"]?["output"] is JsonArray items):
            {
                for (var i = 0; i < items.Count; i++)
                {
                    if (items[i] is JsonObject one)
                    {
                        AlignItem(one, i);
                    }
                }

                break;
            }
        }

        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    private void AlignItem(JsonObject item, int output)
    {
        if (item["content"] is not JsonArray content)
        {
            return;
        }

        for (var c = 0; c < content.Count; c++)
        {
            if (content[c] is JsonObject part && part["text"] is not null)
            {
                part["text"] = Released(output, c);
            }
        }
    }

    private string Released(int output, int content) => _texts.TryGetValue(string.Create(CultureInfo.InvariantCulture, $"{output}:{content}"), out var text) ? text.ToString() : string.Empty;

    private ChatEvent Incomplete(PolicyDecision block)
    {
        var response = new JsonObject
        {
            ["id"] = _responseId ?? string.Empty,
            ["object"] = "response",
            ["status"] = "incomplete",
            ["model"] = _model ?? string.Empty,
            ["incomplete_details"] = new JsonObject { ["reason"] = "content_filter" },
            ["output"] = new JsonArray(),
            ["metadata"] = new JsonObject { ["keeptrusts_policy"] = block.Policy, ["keeptrusts_reason"] = block.Reason },
        };
        var incomplete = new JsonObject { ["type"] = "response.incomplete", ["sequence_number"] = ++_sequence, ["response"] = response };
        return new ChatEvent { EventType = "response.incomplete", Data = Encoding.UTF8.GetBytes(incomplete.ToJsonString()), FinishReason = "content_filter", BlockedBy = block };
    }

    private static string Key(ResponsesEvent e)
    {
        static int Read(Dictionary<string, JsonElement>? extra, string name) =>
            extra?.TryGetValue(name, out var v) == true && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;
        return string.Create(CultureInfo.InvariantCulture, $"{Read(e.Extra, "output_index")}:{Read(e.Extra, "content_index")}");
    }
}
