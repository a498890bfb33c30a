using KeepTrusts.Engine.Gateway.Wire;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// The response policies on a chat stream, chunk by chunk: text deltas (per choice, and per tool call's arguments) go
/// through the chain's stream filters, which may hold back a short tail or stop the stream. A plain text chunk takes
/// <see cref="ScannedChunkFilter"/> (the upstream's bytes, only a changed text replaced), any other
/// <see cref="TypedChunkFilter"/>; chunks nothing changed keep the upstream's bytes (content_filter_results, usage,
/// [DONE] untouched). A stop ends the stream the way Azure ends a filtered one: a last chunk with finish_reason
/// "content_filter" and content_filter_results naming the policy.
/// </summary>
internal sealed class ChatStreamFilter : IStreamFilter
{
    private readonly KeyedStreamChains _streams;
    private readonly ReleasedText _released;
    private readonly List<string> _filterResults = [];
    private readonly ScannedChunkFilter _scanned;
    private readonly TypedChunkFilter _typed;
    private ChatCompletionChunk? _last;
    private byte[]? _lastRaw;

    public ChatStreamFilter(PolicyChain chain, int maxReleasedChars)
    {
        _streams = new KeyedStreamChains(chain);
        _released = new ReleasedText(maxReleasedChars);
        _scanned = new ScannedChunkFilter(chain, _streams, _released, _filterResults);
        _typed = new TypedChunkFilter(chain, _streams, _released, _filterResults);
    }

    public PolicyDecision? Blocked => _streams.Blocked;

    public long PromptTokens => _typed.PromptTokens;

    public long CompletionTokens => _typed.CompletionTokens;

    public string? ContentFilterResults => _filterResults.Count == 0 ? null : "[" + string.Join(",", _filterResults) + "]";

    /// <summary>The assistant text that reached the client (for the audit record's content), bounded.</summary>
    public string ReleasedText => _released.ToString();

    public IEnumerable<PolicyDecision> Decisions => _streams.Decisions;

    public byte[]? UpstreamError { get; private set; }

    public bool IsEnd(string eventType, byte[] data) => data.AsSpan().SequenceEqual("[DONE]"u8);

    /// <summary>The event to send for one upstream chunk (its raw bytes when unchanged), or the content_filter ending.</summary>
    public void Process(string eventType, byte[] data, List<ChatEvent> output)
    {
        if (Process(data) is { } next)
        {
            output.Add(next);
        }
    }

    private ChatEvent? Process(byte[] raw)
    {
        if (_scanned.TryProcess(raw, out var forward))
        {
            // Parsed typed only if an ending is built from it (a block).
            _last = null;
            _lastRaw = raw;
            return forward ?? BlockEnding(Blocked!);
        }

        if (TypedChunkFilter.Parse(raw) is not { } chunk)
        {
            // JSON (StreamStage checked that) but not a chunk: forwarded, its text would pass the response policies unread.
            throw new InvalidDataException("an event that is not a chat.completion.chunk object ('choices' must be an array of choice objects)");
        }

        if (chunk.Error is { ValueKind: System.Text.Json.JsonValueKind.Object })
        {
            // The upstream failed mid-stream (OpenAI and Azure send {"error":{...}} as a data event): not forwarded as
            // it came (a choice beside it would pass unread, the key it was sent may be echoed); the stream stage ends
            // the stream with the error itself. The scan leaves any chunk with an error to this path.
            UpstreamError = raw;
            return null;
        }

        if (chunk.Choices is null)
        {
            // Text outside 'choices' would pass the response policies unread: the stream ends as an invalid upstream
            // answer, the chunk not forwarded. "choices": [] (Azure's prompt_filter_results chunk, the usage chunk) is valid.
            throw new InvalidDataException("a chat.completion.chunk without 'choices'; a chunk with no choice has \"choices\": []");
        }

        _last = chunk;
        _lastRaw = null;
        return _typed.Process(chunk, raw) ?? BlockEnding(Blocked!);
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
                choices.Add(new ChatChoice { Index = ChatStreamKeys.ChoiceOf(key), Delta = ChatStreamKeys.DeltaFor(key, text) });
                if (key.IndexOf('/') < 0)
                {
                    _released.Append(text);   // the audit record's completion is what reached the client, this tail too
                }
            }
        }

        if (choices.Count == 0)
        {
            return null;
        }

        var last = Last;
        var chunk = new ChatCompletionChunk { Id = last?.Id, Object = "chat.completion.chunk", Created = last?.Created, Model = last?.Model, Choices = choices };
        return new ChatEvent { Data = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(chunk, GatewayJson.Default.ChatCompletionChunk), Text = choices[0].Delta?.Content?.Text };
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
                _last = System.Text.Json.JsonSerializer.Deserialize(raw, GatewayJson.Default.ChatCompletionChunk);
                _lastRaw = null;
            }

            return _last;
        }
    }
}
