namespace KeepTrusts.Engine.Policies;

/// <summary>The decisions of a chain run, in chain order; the run stops at the first block.</summary>
public sealed class ChainResult(IReadOnlyList<PolicyDecision> decisions)
{
    public static readonly ChainResult Empty = new([]);

    public IReadOnlyList<PolicyDecision> Decisions { get; } = decisions;

    public PolicyDecision? BlockingDecision => Decisions.FirstOrDefault(d => d.Action == PolicyAction.Block);

    public bool IsBlocked => BlockingDecision is not null;

    public bool Redacted => Decisions.Any(d => d.Action == PolicyAction.Redact);
}
