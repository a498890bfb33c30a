namespace KeepTrusts.Engine.Policies.PromptInjection;

/// <summary>A text's injection score (0..1) and the techniques behind it.</summary>
public sealed record InjectionScore(double Score, IReadOnlyList<string> Families, IReadOnlyList<MatchedSpan> Spans);
