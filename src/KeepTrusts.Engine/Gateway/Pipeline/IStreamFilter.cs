using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>The response policies on one stream dialect (chat chunks, Responses events): upstream event in, client event out.</summary>
internal interface IStreamFilter
{
    PolicyDecision? Blocked { get; }

    long PromptTokens { get; }

    long CompletionTokens { get; }

    string? ContentFilterResults { get; }

    string ReleasedText { get; }

    IEnumerable<PolicyDecision> Decisions { get; }

    /// <summary>
    /// The upstream's own error, when it sent one instead of an answer event (chat: a chunk with an <c>error</c> object):
    /// the event's bytes, not forwarded; the stream stage ends the stream with it. Null otherwise.
    /// </summary>
    byte[]? UpstreamError { get; }

    /// <summary>True for the upstream's last event ([DONE] on chat streams, response.completed and kin on Responses).</summary>
    bool IsEnd(string eventType, byte[] data);

    /// <summary>Adds the client events for one upstream event to <paramref name="output"/> (usually one).</summary>
    void Process(string eventType, byte[] data, List<ChatEvent> output);

    /// <summary>Adds what policies held back, released at the end (or the stop event); nothing when nothing was held.</summary>
    void Finish(List<ChatEvent> output);
}
