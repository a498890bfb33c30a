namespace KeepTrusts.Engine.Policies;

/// <summary>What one policy decided, why, how sure it was and what it matched.</summary>
public sealed record PolicyDecision(
    string Policy,
    PolicyPhase Phase,
    PolicyAction Action,
    string Reason,
    double Score,
    IReadOnlyList<MatchedSpan> Spans)
{
    public static PolicyDecision Allowed(string policy, PolicyPhase phase, double score = 0) =>
        new(policy, phase, PolicyAction.Allow, "no match", score, []);
}
