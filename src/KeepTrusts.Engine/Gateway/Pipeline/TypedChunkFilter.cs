using System.Text.Json;
using KeepTrusts.Engine.Gateway.Wire;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// <see cref="ChatStreamFilter"/>'s typed path, for the chunks <see cref="ScannedChunkFilter"/> leaves (tool calls,
/// usage, an error, content parts): the chunk as a <see cref="ChatCompletionChunk"/>, its texts and tool-call arguments
/// through the policies, re-serialized only when one changed. One instance per stream, sharing the stream's chains,
/// released text and filter results.
/// </summary>
internal sealed class TypedChunkFilter(PolicyChain chain, KeyedStreamChains streams, ReleasedText released, List<string> filterResults)
{
    public long PromptTokens { get; private set; }

    public long CompletionTokens { get; private set; }

    /// <summary>The chunk, or null when the bytes are JSON of another shape (the stream then ends as an invalid upstream answer).</summary>
    public static ChatCompletionChunk? Parse(byte[] raw)
    {
        try
        {
            return JsonSerializer.Deserialize(raw, GatewayJson.Default.ChatCompletionChunk);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The event to send for <paramref name="chunk"/> (its raw bytes when nothing changed), or null when a policy blocked the stream on it.</summary>
    public ChatEvent? Process(ChatCompletionChunk chunk, byte[] raw)
    {
        if (chunk.Usage is { } usage)
        {
            (PromptTokens, CompletionTokens) = (usage.Prompt, usage.Completion);
        }

        if (AzureContentFilter.Collect(chunk.Extra, chunk.Choices) is { } results)
        {
            filterResults.Add(results);
        }

        var first = chunk.Choices is { Count: > 0 } c ? c[0] : null;
        var text = first?.Delta?.Content?.Text;
        var changed = chunk.Error is null && chain.Policies.Count > 0 && ApplyPolicies(chunk, out text);
        if (streams.Blocked is not null)
        {
            return null;
        }

        if (chain.Policies.Count == 0 && text is not null)
        {
            released.Append(text);
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

    private bool ApplyPolicies(ChatCompletionChunk chunk, out string? firstText)
    {
        firstText = null;
        var changed = false;
        foreach (var choice in chunk.Choices ?? [])
        {
            var index = ChatStreamKeys.Choice(choice.Index);
            var delta = choice.Delta;
            if (delta?.Content?.Text is { Length: > 0 } text)
            {
                var passed = streams.Push(index, text);
                if (streams.Blocked is not null)
                {
                    return true;
                }

                released.Append(passed);
                changed |= passed != text;
                delta.Content.Text = passed;
            }

            foreach (var call in delta?.ToolCalls ?? [])
            {
                if (call.Function?.Arguments is { Length: > 0 } arguments)
                {
                    var passed = streams.Push(ChatStreamKeys.ToolCall(index, call.Index ?? 0), arguments);
                    if (streams.Blocked is not null)
                    {
                        return true;
                    }

                    changed |= passed != arguments;
                    call.Function.Arguments = passed;
                }
            }

            if (choice.FinishReason is not null)
            {
                changed |= FlushChoice(index, choice);
                if (streams.Blocked is not null)
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
        var prefix = ChatStreamKeys.ChoicePrefix(choice.Index);
        foreach (var key in streams.OpenKeys.Where(k => k == index || k.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var text = streams.Flush(key);
            if (streams.Blocked is not null)
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
                released.Append(text);
                delta.Content = new MessageContent { Text = (delta.Content?.Text ?? string.Empty) + text };
            }
            else
            {
                (delta.ToolCalls ??= []).Add(ChatStreamKeys.DeltaFor(key, text).ToolCalls![0]);
            }

            changed = true;
        }

        return changed;
    }
}
