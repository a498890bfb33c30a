namespace KeepTrusts.Engine.Policies.PromptInjection.Layers;

/// <summary>One optional layer's answer: the outcome, its score (0..1), a short detail for the audit reason, and the segment it concerns.</summary>
internal sealed record LayerVerdict(LayerOutcome Outcome, double Score, string Detail, string? Segment = null);
