using System.Text.Json;
using KeepTrusts.Engine.Gateway.Wire;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// <see cref="ChatStreamFilter"/>'s fast path: a plain text chunk, read by <see cref="ChatChunkScan"/> without a typed
/// parse, is forwarded as the upstream's bytes when the policies released its text unchanged, else with only the
/// changed content strings replaced in those bytes (<see cref="JsonStringSplice"/>). Anything less common — tool calls,
/// usage, an error, content parts, a finishing choice whose tool-call arguments are still held — is left to
/// <see cref="TypedChunkFilter"/>. One instance per stream, sharing the stream's chains, released text and filter results.
/// </summary>
internal sealed class ScannedChunkFilter(PolicyChain chain, KeyedStreamChains streams, ReleasedText released, List<string> filterResults)
{
    private readonly ChatChunkScan _scan = new();
    private readonly List<(int Start, int Length, string Text)> _replacements = [];
    private readonly string?[] _finalTexts = new string?[1];

    /// <summary>
    /// False when the chunk is not a plain text chunk (nothing was done: the typed path reads it); else true with the
    /// event to send, or with null when a policy blocked the stream on this chunk.
    /// </summary>
    public bool TryProcess(byte[] raw, out ChatEvent? forward)
    {
        if (!_scan.TryRead(raw) || !FitsFastPath())
        {
            forward = null;
            return false;
        }

        forward = Process(raw);
        return true;
    }

    private ChatEvent? Process(byte[] raw)
    {
        var choices = _scan.Choices;
        if (_scan.HasFilterResults)
        {
            filterResults.Add(FilterResults(raw));
        }

        var first = choices.Count > 0 ? choices[0] : default;
        if (chain.Policies.Count == 0)
        {
            released.Append(first.Text);
            return Event(raw, first.Text, first.FinishReason);
        }

        _replacements.Clear();
        var finals = choices.Count <= _finalTexts.Length ? _finalTexts : new string?[choices.Count];
        string? firstText = null;
        var needsTyped = false;
        for (var i = 0; i < choices.Count; i++)
        {
            var choice = choices[i];
            var index = ChatStreamKeys.Choice(choice.Index);
            var final = choice.Text;
            if (choice.Text is { Length: > 0 } text)
            {
                var passed = streams.Push(index, text);
                if (streams.Blocked is not null)
                {
                    return null;
                }

                released.Append(passed);
                final = passed;
            }

            if (choice.FinishReason is not null && streams.Flush(index) is var tail && (streams.Blocked is not null || tail.Length > 0))
            {
                if (streams.Blocked is not null)
                {
                    return null;
                }

                // What the filters held back goes into the finishing chunk, ahead of the finish reason.
                released.Append(tail);
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

            return Event(JsonSerializer.SerializeToUtf8Bytes(chunk, GatewayJson.Default.ChatCompletionChunk), firstText, first.FinishReason);
        }

        return Event(_replacements.Count == 0 ? raw : JsonStringSplice.Replace(raw, _replacements), firstText, first.FinishReason);
    }

    /// <summary>Only plain chunks: a finishing choice whose tool-call arguments are still held takes the typed path.</summary>
    private bool FitsFastPath()
    {
        var choices = _scan.Choices;
        for (var i = 0; i < choices.Count; i++)   // indexed: a foreach over the interface boxes an enumerator
        {
            var choice = choices[i];
            if (choice.FinishReason is not null && streams.HasOpenKeyUnder(ChatStreamKeys.ChoicePrefix(choice.Index)))
            {
                return false;
            }
        }

        return true;
    }

    private ChatEvent Event(ReadOnlyMemory<byte> data, string? text, string? finishReason) => new()
    {
        Data = data,
        Text = text,
        FinishReason = finishReason,
        Model = string.IsNullOrEmpty(_scan.Model) ? null : _scan.Model,
    };

    /// <summary>The chunk's Azure filter results in the shape <see cref="AzureContentFilter"/> gives for a typed chunk.</summary>
    private string FilterResults(byte[] raw)
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
        return PooledJsonText.FinishRepeated(writer);
    }
}
