using System.Text.Json;
using KeepTrusts.Engine.Gateway.Wire;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// The response policies on a chat stream, chunk by chunk: text deltas (per choice, and per tool call's arguments) go
/// through the chain's stream filters, which may hold back a short tail or stop the stream. Chunks nothing changed keep
/// the upstream's bytes (content_filter_results, usage, [DONE] untouched). A stop ends the stream the way Azure ends a
/// filtered one: a last chunk with finish_reason "content_filter" and content_filter_results naming the policy.
/// </summary>
internal sealed class ChatStreamFilter(PolicyChain chain, int maxReleasedChars) : IStreamFilter
{
    private readonly KeyedStreamChains _streams = new(chain);
    private readonly ReleasedText _released = new(maxReleasedChars);
    private readonly List<string> _filterResults = [];
    private readonly ChatChunkScan _scan = new();
    private readonly List<(int Start, int Length, string Text)> _replacements = [];
    private readonly string?[] _finalTexts = new string?[1];
    private ChatCompletionChunk? _last;
    private byte[]? _lastRaw;

    public PolicyDecision? Blocked => _streams.Blocked;

    public long PromptTokens { get; private set; }

    public long CompletionTokens { get; private set; }

    public string? ContentFilterResults => _filterResults.Count == 0 ? null : "[" + string.Join(",", _filterResults) + "]";

    /// <summary>The assistant text that reached the client (for the audit record's content), bounded.</summary>
    public string ReleasedText => _released.ToString();

    public IEnumerable<PolicyDecision> Decisions => _streams.Decisions;

    public bool IsEnd(string eventType, byte[] data) => data.AsSpan().SequenceEqual("[DONE]"u8);

    /// <summary>The event to send for one upstream chunk (its raw bytes when unchanged), or the content_filter ending.</summary>
    public void Process(string eventType, byte[] data, List<ChatEvent> output) => output.Add(Process(data));

    private ChatEvent Process(byte[] raw) =>
        _scan.TryRead(raw) && ScannedFitsFastPath() ? ProcessScanned(raw) : ProcessTyped(raw);

    /// <summary>
    /// A plain text chunk, read by <see cref="ChatChunkScan"/> without a typed parse: forwarded as the upstream's bytes
    /// when the policies released its text unchanged, else with only the changed content strings replaced in those bytes.
    /// </summary>
    private ChatEvent ProcessScanned(byte[] raw)
    {
        _last = null;
        _lastRaw = raw;
        var choices = _scan.Choices;
        if (_scan.HasFilterResults)
        {
            _filterResults.Add(ScannedFilterResults(raw));
        }

        var first = choices.Count > 0 ? choices[0] : default;
        if (chain.Policies.Count == 0)
        {
            _released.Append(first.Text);
            return ScannedEvent(raw, first.Text, first.FinishReason);
        }

        _replacements.Clear();
        var finals = choices.Count <= _finalTexts.Length ? _finalTexts : new string?[choices.Count];
        string? firstText = null;
        var needsTyped = false;
        for (var i = 0; i < choices.Count; i++)
        {
            var choice = choices[i];
            var index = ChoiceKey(choice.Index);
            var final = choice.Text;
            if (choice.Text is { Length: > 0 } text)
            {
                var released = _streams.Push(index, text);
                if (Blocked is { } block)
                {
                    return BlockEnding(block);
                }

                _released.Append(released);
                final = released;
            }

            if (choice.FinishReason is not null && _streams.Flush(index) is var tail && (Blocked is not null || tail.Length > 0))
            {
                if (Blocked is { } block)
                {
                    return BlockEnding(block);
                }

                // What the filters held back goes into the finishing chunk, ahead of the finish reason.
                _released.Append(tail);
                final = (final ?? string.Empty) + tail;
                needsTyped |= choice.TextToken.Length == 0;
            }

            if (final != choice.Text && choice.TextToken.Length > 0)
            {
                _replacements.Add((choice.TextToken.Start, choice.TextToken.Length, final!));
            }

            finals[i] = final;
            if (choice.Index == 0)
            {
                firstText = final;
            }
        }

        if (needsTyped)
        {
            // A held-back tail for a chunk with no content string: the chunk is rebuilt from its typed form, as before.
            var chunk = JsonSerializer.Deserialize(raw, GatewayJson.Default.ChatCompletionChunk)!;
            for (var i = 0; i < chunk.Choices!.Count; i++)
            {
                if (finals[i] is { } final && final != choices[i].Text)
                {
                    (chunk.Choices[i].Delta ??= new ChatMessage()).Content = new MessageContent { Text = final };
                }
            }

            return ScannedEvent(JsonSerializer.SerializeToUtf8Bytes(chunk, GatewayJson.Default.ChatCompletionChunk), firstText, first.FinishReason);
        }

        return ScannedEvent(_replacements.Count == 0 ? raw : JsonStringSplice.Replace(raw, _replacements), firstText, first.FinishReason);
    }

    /// <summary>Only plain chunks: a finishing choice whose tool-call arguments are still held takes the typed path.</summary>
    private bool ScannedFitsFastPath()
    {
        var choices = _scan.Choices;
        for (var i = 0; i < choices.Count; i++)   // indexed: a foreach over the interface boxes an enumerator
        {
            var choice = choices[i];
            if (choice.FinishReason is not null && _streams.HasOpenKeyUnder(ChoiceKeyPrefix(choice.Index)))
            {
                return false;
            }
        }

        return true;
    }

    private ChatEvent ScannedEvent(ReadOnlyMemory<byte> data, string? text, string? finishReason) => new()
    {
        Data = data,
        Text = text,
        FinishReason = finishReason,
        Model = string.IsNullOrEmpty(_scan.Model) ? null : _scan.Model,
    };

    private string ScannedFilterResults(byte[] raw)
    {
        var writer = PooledJsonText.Rent();
        writer.WriteStartObject();
        if (_scan.PromptFilterResults is { Length: > 0 } prompt)
        {
            writer.WritePropertyName("prompt_filter_results");
            writer.WriteRawValue(raw.AsSpan(prompt.Start, prompt.Length), skipInputValidation: true);
        }

        var choices = _scan.Choices;
        if (_scan.HasChoiceFilterResults)
        {
            writer.WriteStartArray("content_filter_results");
            for (var i = 0; i < choices.Count; i++)
            {
                var choice = choices[i];
                if (choice.FilterResults.Length > 0)
                {
                    writer.WriteRawValue(raw.AsSpan(choice.FilterResults.Start, choice.FilterResults.Length), skipInputValidation: true);
                }
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        return PooledJsonText.Finish(writer);
    }

    private ChatEvent ProcessTyped(byte[] raw)
    {
        ChatCompletionChunk? chunk;
        try
        {
            chunk = JsonSerializer.Deserialize(raw, GatewayJson.Default.ChatCompletionChunk);
        }
        catch (JsonException)
        {
            chunk = null;
        }

        if (chunk is null)
        {
            // Not a chunk we understand (a comment-like payload): forwarded as it came.
            return new ChatEvent { Data = raw };
        }

        _last = chunk;
        _lastRaw = null;
        if (chunk.Usage is { } usage)
        {
            (PromptTokens, CompletionTokens) = (usage.Prompt, usage.Completion);
        }

        if (AzureContentFilter.Collect(chunk.Extra, chunk.Choices) is { } results)
        {
            _filterResults.Add(results);
        }

        var first = chunk.Choices is { Count: > 0 } c ? c[0] : null;
        var text = first?.Delta?.Content?.Text;
        var changed = chunk.Error is null && chain.Policies.Count > 0 && ApplyPolicies(chunk, out text);
        if (Blocked is { } block)
        {
            return BlockEnding(block);
        }

        if (chain.Policies.Count == 0 && text is not null)
        {
            _released.Append(text);
        }

        return new ChatEvent
        {
            Data = changed ? JsonSerializer.SerializeToUtf8Bytes(chunk, GatewayJson.Default.ChatCompletionChunk) : raw,
            Text = text,
            FinishReason = first?.FinishReason,
            Model = string.IsNullOrEmpty(chunk.Model) ? null : chunk.Model,
            PromptTokens = chunk.Usage?.Prompt,
            CompletionTokens = chunk.Usage?.Completion,
        };
    }

    /// <summary>End of stream: what the policies held back, as one more chunk (or the content_filter ending).</summary>
    public void Finish(List<ChatEvent> output)
    {
        if (Finish() is { } tail)
        {
            output.Add(tail);
        }
    }

    private ChatEvent? Finish()
    {
        var keys = _streams.OpenKeys;
        if (Blocked is not null || keys.Count == 0)
        {
            return null;
        }

        var choices = new List<ChatChoice>();
        foreach (var key in keys)
        {
            var text = _streams.Flush(key);
            if (Blocked is { } block)
            {
                return BlockEnding(block);
            }

            if (text.Length > 0)
            {
                choices.Add(new ChatChoice { Index = ChoiceOf(key), Delta = DeltaFor(key, text) });
            }
        }

        if (choices.Count == 0)
        {
            return null;
        }

        var last = Last;
        var chunk = new ChatCompletionChunk { Id = last?.Id, Object = "chat.completion.chunk", Created = last?.Created, Model = last?.Model, Choices = choices };
        return new ChatEvent { Data = JsonSerializer.SerializeToUtf8Bytes(chunk, GatewayJson.Default.ChatCompletionChunk), Text = choices[0].Delta?.Content?.Text };
    }

    private bool ApplyPolicies(ChatCompletionChunk chunk, out string? firstText)
    {
        firstText = null;
        var changed = false;
        foreach (var choice in chunk.Choices ?? [])
        {
            var index = ChoiceKey(choice.Index);
            var delta = choice.Delta;
            if (delta?.Content?.Text is { Length: > 0 } text)
            {
                var released = _streams.Push(index, text);
                if (Blocked is not null)
                {
                    return true;
                }

                _released.Append(released);
                changed |= released != text;
                delta.Content.Text = released;
            }

            foreach (var call in delta?.ToolCalls ?? [])
            {
                if (call.Function?.Arguments is { Length: > 0 } arguments)
                {
                    var released = _streams.Push($"{index}/tool/{call.Index ?? 0}", arguments);
                    if (Blocked is not null)
                    {
                        return true;
                    }

                    changed |= released != arguments;
                    call.Function.Arguments = released;
                }
            }

            if (choice.FinishReason is not null)
            {
                changed |= FlushChoice(index, choice);
                if (Blocked is not null)
                {
                    return true;
                }
            }

            if (choice.Index == 0)
            {
                firstText = choice.Delta?.Content?.Text;
            }
        }

        return changed;
    }

    /// <summary>Puts what the choice's filters held back into its finishing chunk, ahead of the finish reason.</summary>
    private bool FlushChoice(string index, ChatChoice choice)
    {
        var changed = false;
        foreach (var key in _streams.OpenKeys.Where(k => k == index || k.StartsWith(index + "/", StringComparison.Ordinal)))
        {
            var text = _streams.Flush(key);
            if (Blocked is not null)
            {
                return true;
            }

            if (text.Length == 0)
            {
                continue;
            }

            var delta = choice.Delta ??= new ChatMessage();
            if (key == index)
            {
                _released.Append(text);
                delta.Content = new MessageContent { Text = (delta.Content?.Text ?? string.Empty) + text };
            }
            else
            {
                (delta.ToolCalls ??= []).Add(DeltaFor(key, text).ToolCalls![0]);
            }

            changed = true;
        }

        return changed;
    }

    private ChatEvent BlockEnding(PolicyDecision block)
    {
        var last = Last;
        return ContentFilterEnding.For(last?.Id, last?.Created, last?.Model, block);
    }

    /// <summary>The last chunk read, typed when needed (a scanned chunk is parsed only for an ending built from it).</summary>
    private ChatCompletionChunk? Last
    {
        get
        {
            if (_last is null && _lastRaw is { } raw)
            {
                _last = JsonSerializer.Deserialize(raw, GatewayJson.Default.ChatCompletionChunk);
                _lastRaw = null;
            }

            return _last;
        }
    }

    // A choice's stream key ("0") and the prefix of its tool calls' keys ("0/"), made once for the first choices: every
    // chunk asks for them.
    private const int CachedKeys = 16;
    private static readonly string[] ChoiceKeys = Enumerable.Range(0, CachedKeys).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    private static readonly string[] ChoiceKeyPrefixes = ChoiceKeys.Select(k => k + "/").ToArray();

    private static string ChoiceKey(int index) =>
        (uint)index < CachedKeys ? ChoiceKeys[index] : index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string ChoiceKeyPrefix(int index) => (uint)index < CachedKeys ? ChoiceKeyPrefixes[index] : ChoiceKey(index) + "/";

    private static int ChoiceOf(string key) =>
        int.Parse(key.IndexOf('/') is var slash and >= 0 ? key[..slash] : key, System.Globalization.CultureInfo.InvariantCulture);

    private static ChatMessage DeltaFor(string key, string text) => key.IndexOf('/') < 0
        ? new ChatMessage { Content = new MessageContent { Text = text } }
        : new ChatMessage
        {
            ToolCalls = [new ToolCall { Index = int.Parse(key[(key.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture), Function = new FunctionCall { Arguments = text } }],
        };
}
