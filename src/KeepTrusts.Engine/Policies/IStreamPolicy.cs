namespace KeepTrusts.Engine.Policies;

/// <summary>
/// Filters one streamed text (one choice of one response) as it flows. <see cref="Push"/> returns the text that
/// may be released now; a filter holds back only the shortest tail that could still become a match.
/// </summary>
public interface IStreamPolicy
{
    /// <summary>Takes the next delta and returns what can be sent to the client now (possibly empty).</summary>
    string Push(string delta);

    /// <summary>End of stream: returns whatever was held back (after redaction).</summary>
    string Flush();

    /// <summary>The decision so far; <see cref="PolicyAction.Block"/> ends the stream with an error event.</summary>
    PolicyDecision Decision { get; }
}
