namespace KeepTrusts.Engine.Policies;

/// <summary>
/// One policy of the chain. Implementations are thread-safe and hold no per-request state;
/// per-stream state lives in the <see cref="IStreamPolicy"/> they create.
/// </summary>
public interface IPolicy
{
    /// <summary>The chain name (prompt-injection, pii-detector, ...).</summary>
    string Name { get; }

    /// <summary>Checks the request's text; may replace segment text (redaction).</summary>
    PolicyDecision EvaluateRequest(IReadOnlyList<TextSegment> segments);

    /// <summary>Checks a complete (non-streamed) response's text; may replace segment text.</summary>
    PolicyDecision EvaluateResponse(IReadOnlyList<TextSegment> segments);

    /// <summary>A per-stream, per-choice filter for streamed text; null when the policy does not act on streams.</summary>
    IStreamPolicy? CreateStreamPolicy();
}
