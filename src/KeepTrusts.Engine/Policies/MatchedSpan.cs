namespace KeepTrusts.Engine.Policies;

/// <summary>
/// A span a policy matched: which segment, where, and what kind. Never holds the matched text itself,
/// so a decision can go to logs, headers and audit records without carrying PII or secrets.
/// </summary>
public sealed record MatchedSpan(string Segment, int Start, int Length, string Kind);
