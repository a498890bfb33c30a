namespace KeepTrusts.Engine.Policies.Safety;

/// <summary>The worst severity found per category in a text, with the spans.</summary>
public sealed record SafetyFinding(IReadOnlyDictionary<string, SafetySeverity> Categories, IReadOnlyList<MatchedSpan> Spans)
{
    /// <summary>Nothing found (shared: the common case allocates nothing).</summary>
    public static readonly SafetyFinding None = new(new Dictionary<string, SafetySeverity>(), []);

    public SafetySeverity Worst => Categories.Count == 0 ? SafetySeverity.Safe : Categories.Values.Max();
}
