using System.Text.RegularExpressions;

namespace KeepTrusts.Engine.Policies.Safety;

/// <summary>
/// One lexicon entry: a category, the severity it signals, its pattern, and trigger word stems one of which must occur
/// (case-insensitive) before the pattern runs — ordinary text contains none, so most rules cost a few substring searches.
/// </summary>
internal sealed record SafetyRule(string Category, SafetySeverity Severity, Regex Pattern, params string[] Triggers)
{
    /// <param name="text">The text in lower case, prepared once for all rules: triggers are lower case and compared ordinally (vectorized).</param>
    public bool MayMatch(in TriggerText text) => Triggers.Length == 0 || text.ContainsAny(Triggers);
}
