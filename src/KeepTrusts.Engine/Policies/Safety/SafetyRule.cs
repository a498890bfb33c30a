using System.Text.RegularExpressions;

namespace KeepTrusts.Engine.Policies.Safety;

/// <summary>One lexicon entry: a category, the severity it signals, and its pattern.</summary>
internal sealed record SafetyRule(string Category, SafetySeverity Severity, Regex Pattern);
