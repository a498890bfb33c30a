namespace KeepTrusts.Engine.Policies;

/// <summary>
/// Optional second face of an <see cref="IPolicy"/> whose request check waits on I/O (a remote detector such as
/// Azure AI Content Safety Prompt Shields). <see cref="PolicyChain.EvaluateRequestAsync"/> awaits it; the synchronous
/// <see cref="IPolicy.EvaluateRequest"/> must still give the same verdict for callers that cannot await.
/// </summary>
public interface IAsyncRequestPolicy
{
    /// <summary>Checks the request's text; may replace segment text (redaction).</summary>
    ValueTask<PolicyDecision> EvaluateRequestAsync(IReadOnlyList<TextSegment> segments, CancellationToken cancellationToken);
}
