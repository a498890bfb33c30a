namespace KeepTrusts.Engine.Policies.Safety;

/// <summary>The worst severity found per category in a text, with the spans.</summary>
public sealed record SafetyFinding(IReadOnlyDictionary<string, SafetySeverity> Categories, IReadOnlyList<MatchedSpan> Spans)
{
    public SafetySeverity Worst => Categories.Count == 0 ? SafetySeverity.Safe : Categories.Values.Max();
}
