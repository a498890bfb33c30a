using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Gateway;

/// <summary>
/// Relays an upstream Server-Sent Events stream line by line. Lines that need no change are forwarded byte for byte
/// (content_filter_results, usage chunks, [DONE] untouched); chunks whose delta carries text are passed through the
/// policy chain per choice (and per tool call), which may hold back a short tail or end the stream with an error event.
/// </summary>
internal sealed class SseRelay(PolicyChain chain)
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private readonly Dictionary<string, StreamChain> _streams = new(StringComparer.Ordinal);
    private readonly StringBuilder _released = new();
    private readonly List<string> _filterResults = [];
    private readonly List<StreamChain> _allStreams = [];
    private JsonObject? _lastChunk;

    public bool Done { get; private set; }

    public PolicyDecision? Blocked { get; private set; }

    public long PromptTokens { get; private set; }

    public long CompletionTokens { get; private set; }

    public string? ContentFilterResults => _filterResults.Count == 0 ? null : "[" + string.Join(",", _filterResults) + "]";

    /// <summary>The assistant text that reached the client (for the audit record's content).</summary>
    public string ReleasedText => _released.ToString();

    /// <summary>Non-allow decisions made on the stream (all policies, all choices).</summary>
    public IEnumerable<PolicyDecision> StreamDecisions =>
        _allStreams.SelectMany(s => s.Decisions).Where(d => d.Action != PolicyAction.Allow).Concat(Blocked is null ? [] : [Blocked]).Distinct();

    /// <summary>Takes one line of the upstream stream (without its newline) and returns the bytes to send now.</summary>
    public byte[] Process(string line)
    {
        if (!line.StartsWith("data:", StringComparison.Ordinal))
        {
            return Encoding.UTF8.GetBytes(line + "\n");
        }

        var payload = line.AsSpan(5).TrimStart();
        if (payload.SequenceEqual("[DONE]"))
        {
            Done = true;
            var tail = Finish();
            if (Blocked is not null)
            {
                return tail;
            }

            // The blank line that ends the [DONE] event is added here: the relay stops reading after it.
            return Concat(tail, Encoding.UTF8.GetBytes(line + "\n\n"));
        }

        JsonObject? chunk;
        try
        {
            chunk = JsonNode.Parse(payload.ToString()) as JsonObject;
        }
        catch (JsonException)
        {
            chunk = null;
        }

        if (chunk is null)
        {
            return Encoding.UTF8.GetBytes(line + "\n");
        }

        _lastChunk = chunk;
        if (chunk["usage"] is JsonObject usage)
        {
            (PromptTokens, CompletionTokens) = ChatGateway.Usage(usage);
        }

        if (AzureContentFilter.Collect(chunk) is { } results)
        {
            _filterResults.Add(results);
        }

        if (chunk["error"] is not null)
        {
            return Encoding.UTF8.GetBytes(line + "\n");
        }

        var changed = ApplyPolicies(chunk);
        if (Blocked is { } block)
        {
            return ErrorEvent($"Response blocked by policy '{block.Policy}': {block.Reason}.", OpenAIError.PolicyViolation, block.Policy);
        }

        return changed ? Encoding.UTF8.GetBytes("data: " + chunk.ToJsonString() + "\n") : Encoding.UTF8.GetBytes(line + "\n");
    }

    /// <summary>End of stream: releases whatever the policies held back, as one more chunk (empty when nothing was held).</summary>
    public byte[] Finish()
    {
        if (Blocked is not null || _streams.Count == 0)
        {
            return [];
        }

        var choices = new JsonArray();
        foreach (var (key, stream) in _streams.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var text = stream.Flush();
            if (stream.BlockingDecision is { } block)
            {
                Blocked = block;
                return ErrorEvent($"Response blocked by policy '{block.Policy}': {block.Reason}.", OpenAIError.PolicyViolation, block.Policy);
            }

            if (text.Length > 0)
            {
                _released.Append(text);
                choices.Add(DeltaFor(key, text));
            }
        }

        _streams.Clear();
        if (choices.Count == 0)
        {
            return [];
        }

        var chunk = new JsonObject
        {
            ["id"] = _lastChunk?["id"]?.DeepClone(),
            ["object"] = "chat.completion.chunk",
            ["created"] = _lastChunk?["created"]?.DeepClone(),
            ["model"] = _lastChunk?["model"]?.DeepClone(),
            ["choices"] = choices,
        };
        return Encoding.UTF8.GetBytes("data: " + chunk.ToJsonString() + "\n\n");
    }

    public static byte[] ErrorEvent(string message, string type, string code) =>
        Concat(Concat("data: "u8.ToArray(), OpenAIError.Body(message, type, code)), "\n\n"u8.ToArray());

    private bool ApplyPolicies(JsonObject chunk)
    {
        if (chain.Policies.Count == 0 || chunk["choices"] is not JsonArray choices)
        {
            return false;
        }

        var changed = false;
        foreach (var choice in choices.OfType<JsonObject>())
        {
            var index = choice["index"]?.ToString() ?? "0";
            var delta = choice["delta"] as JsonObject;
            var finishing = choice["finish_reason"] is JsonValue finish && finish.GetValueKind() == JsonValueKind.String;
            if (delta?["content"] is JsonValue content && content.TryGetValue<string>(out var text) && text.Length > 0)
            {
                var released = Push(index, text);
                if (Blocked is not null)
                {
                    return true;
                }

                _released.Append(released);
                if (released != text)
                {
                    delta["content"] = released;
                    changed = true;
                }
            }

            if (delta?["tool_calls"] is JsonArray calls)
            {
                foreach (var call in calls.OfType<JsonObject>())
                {
                    if (call["function"]?["arguments"] is JsonValue args && args.TryGetValue<string>(out var argText) && argText.Length > 0)
                    {
                        var released = Push($"{index}/tool/{call["index"]}", argText);
                        if (Blocked is not null)
                        {
                            return true;
                        }

                        if (released != argText)
                        {
                            call["function"]!["arguments"] = released;
                            changed = true;
                        }
                    }
                }
            }

            if (finishing)
            {
                changed |= FlushChoice(index, choice);
                if (Blocked is not null)
                {
                    return true;
                }
            }
        }

        return changed;
    }

    /// <summary>Puts what the choice's filters held back into its finishing chunk, ahead of the finish reason.</summary>
    private bool FlushChoice(string index, JsonObject choice)
    {
        var changed = false;
        foreach (var key in _streams.Keys.Where(k => k == index || k.StartsWith(index + "/", StringComparison.Ordinal)).ToList())
        {
            var stream = _streams[key];
            var text = stream.Flush();
            if (stream.BlockingDecision is { } block)
            {
                Blocked = block;
                return true;
            }

            _streams.Remove(key);
            if (text.Length == 0)
            {
                continue;
            }

            var delta = choice["delta"] as JsonObject ?? new JsonObject();
            choice["delta"] = delta;
            if (key == index)
            {
                _released.Append(text);
                delta["content"] = (delta["content"]?.GetValue<string>() ?? string.Empty) + text;
            }
            else
            {
                var toolIndex = int.Parse(key[(key.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
                var calls = delta["tool_calls"] as JsonArray ?? new JsonArray();
                delta["tool_calls"] = calls;
                calls.Add(new JsonObject { ["index"] = toolIndex, ["function"] = new JsonObject { ["arguments"] = text } });
            }

            changed = true;
        }

        return changed;
    }

    private string Push(string key, string text)
    {
        if (!_streams.TryGetValue(key, out var stream))
        {
            stream = chain.CreateStream();
            _streams[key] = stream;
            _allStreams.Add(stream);
        }

        var released = stream.Push(text);
        if (stream.BlockingDecision is { } block)
        {
            Blocked = block;
        }

        return released;
    }

    private JsonObject DeltaFor(string key, string text)
    {
        var slash = key.IndexOf('/');
        var choiceIndex = int.Parse(slash < 0 ? key : key[..slash], System.Globalization.CultureInfo.InvariantCulture);
        var delta = slash < 0
            ? new JsonObject { ["content"] = text }
            : new JsonObject { ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = int.Parse(key[(key.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture), ["function"] = new JsonObject { ["arguments"] = text } }) };
        return new JsonObject { ["index"] = choiceIndex, ["delta"] = delta, ["finish_reason"] = null };
    }

    private static byte[] Concat(byte[] a, byte[] b)
    {
        var result = new byte[a.Length + b.Length];
        a.CopyTo(result, 0);
        b.CopyTo(result, a.Length);
        return result;
    }
}
