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
    private ChatCompletionChunk? _last;

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

    private ChatEvent Process(byte[] raw)
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

        var chunk = new ChatCompletionChunk { Id = _last?.Id, Object = "chat.completion.chunk", Created = _last?.Created, Model = _last?.Model, Choices = choices };
        return new ChatEvent { Data = JsonSerializer.SerializeToUtf8Bytes(chunk, GatewayJson.Default.ChatCompletionChunk), Text = choices[0].Delta?.Content?.Text };
    }

    private bool ApplyPolicies(ChatCompletionChunk chunk, out string? firstText)
    {
        firstText = null;
        var changed = false;
        foreach (var choice in chunk.Choices ?? [])
        {
            var index = choice.Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
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

    private ChatEvent BlockEnding(PolicyDecision block) => ContentFilterEnding.For(_last?.Id, _last?.Created, _last?.Model, block);

    private static int ChoiceOf(string key) =>
        int.Parse(key.IndexOf('/') is var slash and >= 0 ? key[..slash] : key, System.Globalization.CultureInfo.InvariantCulture);

    private static ChatMessage DeltaFor(string key, string text) => key.IndexOf('/') < 0
        ? new ChatMessage { Content = new MessageContent { Text = text } }
        : new ChatMessage
        {
            ToolCalls = [new ToolCall { Index = int.Parse(key[(key.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture), Function = new FunctionCall { Arguments = text } }],
        };
}
